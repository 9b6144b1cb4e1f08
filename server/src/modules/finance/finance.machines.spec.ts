import { ReceiptStatus, StatementStatus } from '@drp/shared';
import { canMove, checkMachine } from '../../kernel/document-machine';
import { RECEIPT_MACHINE, STATEMENT_MACHINE } from './finance.machines';

describe('finance document machines', () => {
  it('are sound', () => {
    expect(checkMachine(RECEIPT_MACHINE)).toEqual([]);
    expect(checkMachine(STATEMENT_MACHINE)).toEqual([]);
  });

  it('a receipt is reversed once; a reversed one stays reversed', () => {
    expect(canMove(RECEIPT_MACHINE, ReceiptStatus.ACTIVE, ReceiptStatus.REVERSED)).toBe(true);
    expect(canMove(RECEIPT_MACHINE, ReceiptStatus.REVERSED, ReceiptStatus.ACTIVE)).toBe(false);
    expect(canMove(RECEIPT_MACHINE, ReceiptStatus.REVERSED, ReceiptStatus.REVERSED)).toBe(false);
  });

  it('only a pending statement is answered; a disputed one is generated again; a confirmed one is final', () => {
    expect(canMove(STATEMENT_MACHINE, StatementStatus.PENDING, StatementStatus.CONFIRMED)).toBe(true);
    expect(canMove(STATEMENT_MACHINE, StatementStatus.PENDING, StatementStatus.DISPUTED)).toBe(true);
    expect(canMove(STATEMENT_MACHINE, StatementStatus.DISPUTED, StatementStatus.CONFIRMED)).toBe(false);
    expect(canMove(STATEMENT_MACHINE, StatementStatus.DISPUTED, StatementStatus.PENDING)).toBe(true);
    for (const to of [StatementStatus.PENDING, StatementStatus.DISPUTED, StatementStatus.CONFIRMED]) expect(canMove(STATEMENT_MACHINE, StatementStatus.CONFIRMED, to)).toBe(false);
  });
});
