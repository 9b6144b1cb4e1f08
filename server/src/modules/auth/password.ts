import { createHash } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { ErrorCode, passwordProblems } from '@drp/shared';
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

export function assertStrongPassword(password: string): void {
  const problems = passwordProblems(password);
  if (problems.length) throw new DomainError(ErrorCode.WEAK_PASSWORD, `Password too weak: needs ${problems.join('; ')}`, { problems });
}

/** How an invite code is stored and looked up: sha256 of the code, ignoring case, spaces and dashes. */
export function inviteCodeHash(code: string): string {
  return createHash('sha256').update(code.trim().toUpperCase().replace(/[\s-]/g, '')).digest('hex');
}
