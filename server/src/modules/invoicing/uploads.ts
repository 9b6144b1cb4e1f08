import { tmpdir } from 'node:os';
import { promises as fs } from 'node:fs';
import { FileInterceptor } from '@nestjs/platform-express';
import { diskStorage } from 'multer';
import { ErrorCode } from '@drp/shared';
import { DomainError } from '../../common/errors/domain-error';

/** The platform export / register workbook: written to a temporary file and streamed from there (never held in memory whole); over the limit: 413 PAYLOAD_TOO_LARGE. */
export const MAX_WORKBOOK_BYTES = 60 * 1024 * 1024;
export const workbookUpload = FileInterceptor('file', { storage: diskStorage({ destination: tmpdir() }), limits: { fileSize: MAX_WORKBOOK_BYTES, files: 1 } });
/** An invoice file (PDF / OFD / XML / image), kept in memory then stored by StorageService. */
export const MAX_INVOICE_FILE_BYTES = 10 * 1024 * 1024;
export const invoiceFileUpload = FileInterceptor('file', { limits: { fileSize: MAX_INVOICE_FILE_BYTES, files: 1 } });

/** The uploaded workbook on disk, or 400 when none came; `done` removes the temporary file. */
export function uploadedWorkbook(f: Express.Multer.File | undefined): { path: string; originalname: string; size: number; done: () => Promise<void> } {
  if (!f?.path || !f.size) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'Upload an .xlsx file (field "file")');
  return { path: f.path, originalname: f.originalname, size: f.size, done: () => fs.rm(f.path, { force: true }) };
}
