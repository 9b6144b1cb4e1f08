import type { ImportProblem, ImportProblemCode } from '@drp/shared';
import { t } from '@/i18n';

/** The i18n key of each import problem code (catalog.import.problems.*). */
const KEYS: Record<ImportProblemCode, string> = {
  REQUIRED: 'required',
  COLUMN_MISSING: 'columnMissing',
  TOO_MANY_ROWS: 'tooManyRows',
  NO_ROWS: 'noRows',
  TOO_LONG: 'tooLong',
  NOT_A_NUMBER: 'notANumber',
  NOT_POSITIVE: 'notPositive',
  DUPLICATE_IN_FILE: 'duplicateInFile',
  UNKNOWN_CATEGORY: 'unknownCategory',
  UNKNOWN_PRODUCT: 'unknownProduct',
  BARCODE_TAKEN: 'barcodeTaken',
  BAD_CODE: 'badCode',
  BAD_BARCODE: 'badBarcode',
  BAD_TAX_RATE: 'badTaxRate',
  BAD_STATUS: 'badStatus',
  BAD_YES_NO: 'badYesNo',
  NUMBER_LOST_DIGITS: 'numberLostDigits',
  BAD_MONTH: 'badMonth',
  UNKNOWN_ORG: 'unknownOrg',
  UNKNOWN_USER: 'unknownUser',
  ORG_OR_REP: 'orgOrRep',
  BAD_DATE: 'badDate',
  DATE_IN_FUTURE: 'dateInFuture',
  NEGATIVE: 'negative',
  UNKNOWN_DEALER: 'unknownDealer',
};

/**
 * An import problem worded in the current language from its code and parameters (the server
 * answers `{ row, field, column, code, params }`, never text to show). An unknown code (a newer
 * server) shows as the code itself.
 */
export function importMessage(problem: Pick<ImportProblem, 'code' | 'params'>): string {
  const key = KEYS[problem.code];
  return key ? t(`catalog.import.problems.${key}`, { ...problem.params }) : String(problem.code);
}
