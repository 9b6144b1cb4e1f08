import { createHash } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { ErrorCode, PasswordProblemCode, passwordProblem } from '@drp/shared';
import { DomainError } from '../../common/errors/domain-error';

/** argon2id with the library's defaults (memory-hard; a prebuilt native binding, no install scripts). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the user does not exist, so timing does not reveal usernames. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  return (dummy ??= hash('no-such-user-dummy-password'));
}

const PROBLEM_WORDS: Record<PasswordProblemCode, string> = {
  TOO_SHORT: 'at least 8 characters',
  TOO_SIMPLE: 'three of: lowercase, uppercase, digit, symbol',
  CONTAINS_USERNAME: 'must not contain the username',
  DEMO_PASSWORD: 'must not be the published demo password',
  COMMON: 'must not be a common password',
};

/**
 * The shared rule (`passwordProblem` of @drp/shared): 400 WEAK_PASSWORD with `field` and the stable
 * `reason` code. `demo` is the installation's demoData setting (the demo password stays usable there).
 */
export function assertStrongPassword(password: string, opts: { username?: string | null; demo: boolean; field?: string }): void {
  const reason = passwordProblem(password, opts);
  if (reason) {
    throw new DomainError(ErrorCode.WEAK_PASSWORD, `Password refused: ${PROBLEM_WORDS[reason]}`, { field: opts.field ?? 'password', reason, problems: [PROBLEM_WORDS[reason]] });
  }
}

/** How an invite code is stored and looked up: sha256 of the code, ignoring case, spaces and dashes. */
export function inviteCodeHash(code: string): string {
  return createHash('sha256').update(code.trim().toUpperCase().replace(/[\s-]/g, '')).digest('hex');
}
