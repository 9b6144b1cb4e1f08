import { ErrorCode } from '@drp/shared';
import { QueryFailedError } from 'typeorm';
import { describeDbError } from './http-exception.filter';
import { ERROR_STATUS } from './error-status';

const dbError = (code: string, constraint?: string) => new QueryFailedError('SELECT 1', [], Object.assign(new Error('driver text'), { code, constraint }));

describe('database errors map to stable codes and never leak driver text', () => {
  it.each([
    ['23505', ErrorCode.DUPLICATE, 409],
    ['23503', ErrorCode.REFERENCED, 409],
    ['23514', ErrorCode.VALIDATION_FAILED, 400],
    ['40001', ErrorCode.CONCURRENT_UPDATE, 409],
    ['40P01', ErrorCode.CONCURRENT_UPDATE, 409],
    ['XX000', ErrorCode.INTERNAL, 500],
  ])('SQLSTATE %s -> %s (%d)', (sqlstate, code, status) => {
    const out = describeDbError(dbError(sqlstate, 'uq_x'));
    expect(out.code).toBe(code);
    expect(ERROR_STATUS[out.code]).toBe(status);
    expect(out.message).not.toContain('driver text');
  });
  it('every error code has an HTTP status', () => {
    for (const code of Object.values(ErrorCode)) expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
  });
});
