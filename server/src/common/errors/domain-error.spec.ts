import { ErrorCode } from '@drp/shared';
import { DomainError } from './domain-error';

describe('DomainError details typed per code (ErrorDetails)', () => {
  it('takes the details shape of its code, and free details for codes not in the map', () => {
    const short = new DomainError(ErrorCode.INSUFFICIENT_STOCK, 'short', { productId: 'p', requested: '2.000', available: '1.000' });
    expect(short.details?.requested).toBe('2.000');
    const state = new DomainError(ErrorCode.INVALID_STATE, 'moved', { status: 'POSTED', to: 'REJECTED' });
    expect(state.details).toEqual({ status: 'POSTED', to: 'REJECTED' });
    expect(new DomainError(ErrorCode.NOT_FOUND, 'gone', { entity: 'x', anything: 1 }).details).toMatchObject({ entity: 'x' });
    expect(new DomainError(ErrorCode.IMPORT_REJECTED, 'bad', { errors: [{ row: 2, field: 'code', code: 'REQUIRED', params: {} }], total: 1 }).details?.total).toBe(1);
  });

  it('a wrong details shape does not compile (checked by tsc over the specs)', () => {
    // @ts-expect-error requested is required for INSUFFICIENT_STOCK
    expect(new DomainError(ErrorCode.INSUFFICIENT_STOCK, 'short', { productId: 'p' }).code).toBe(ErrorCode.INSUFFICIENT_STOCK);
    // @ts-expect-error VALIDATION_FAILED names its field
    expect(new DomainError(ErrorCode.VALIDATION_FAILED, 'bad', { productId: 'p' }).code).toBe(ErrorCode.VALIDATION_FAILED);
    // @ts-expect-error an import problem carries a known code and its parameters
    expect(new DomainError(ErrorCode.IMPORT_REJECTED, 'bad', { errors: [{ row: 2, code: 'TOO_LONG', params: {} }], total: 1 }).code).toBe(ErrorCode.IMPORT_REJECTED);
  });
});
