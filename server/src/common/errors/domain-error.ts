import { DetailsOf, ErrorCode } from '@drp/shared';

/**
 * A business error with a stable code. Thrown anywhere; the global filter turns it into the one
 * error body. `details` is typed per code (ErrorDetails in @drp/shared): a wrong shape fails the build.
 */
export class DomainError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details?: DetailsOf<C>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (entity: string, id?: string) =>
  new DomainError(ErrorCode.NOT_FOUND, `${entity} not found`, id ? { entity, id } : { entity });

export const staleVersion = (entity: string, expected: number, actual: number) =>
  new DomainError(ErrorCode.STALE_VERSION, `${entity} was changed by someone else; reload and try again`, { expected: actual, given: expected });
