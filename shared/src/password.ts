import { PASSWORD_MIN_LENGTH } from './validation';

/**
 * The one password rule, used by the server wherever a password is set (user create and reset,
 * change-password, dealer activation) and by the web forms for immediate feedback.
 */

/** Why a password is refused: a stable code (the server's WEAK_PASSWORD details.reason, the web's message key). */
export type PasswordProblemCode = 'TOO_SHORT' | 'TOO_SIMPLE' | 'CONTAINS_USERNAME' | 'DEMO_PASSWORD' | 'COMMON';

/** The password the demo data signs in with; it is published, so it is refused outside the demo. */
export const PUBLISHED_DEMO_PASSWORD = 'Demo#2026';

/**
 * The most common passwords (leaked-password lists' top entries and their usual "made complex"
 * forms), compared ignoring case. Short or one-class entries are refused by the length/class rule
 * anyway; they are listed so the rule stays right if that rule is ever relaxed.
 */
export const COMMON_PASSWORDS: readonly string[] = [
  '123456', '123456789', '12345678', 'password', 'qwerty', '12345', '1234567890', '1234567', '111111', '123123',
  'abc123', 'password1', 'iloveyou', '000000', 'qwerty123', '1q2w3e4r', 'qwertyuiop', 'admin', 'welcome', 'monkey',
  'dragon', 'letmein', 'football', 'baseball', 'sunshine', 'princess', 'master', 'shadow', 'superman', 'trustno1',
  'passw0rd', 'p@ssw0rd', 'p@ssword', 'p@ssword1', 'p@ssw0rd1', 'p@ssw0rd!', 'p@55w0rd', 'passw0rd!', 'passw0rd1', 'password!',
  'password1!', 'password12', 'password123', 'password123!', 'password@123', 'password#1', 'password@1', 'pass@123', 'pass@1234', 'pass#1234',
  'admin123', 'admin@123', 'admin#123', 'admin@1234', 'admin123!', 'administrator1', 'admin@2024', 'admin@2025', 'admin@2026', 'root@123',
  'qwerty@123', 'qwerty123!', 'qwe123!@#', 'qwer1234!', 'qwer@1234', '1qaz2wsx', '1qaz@wsx', '1qaz!qaz', '1qaz@wsx3edc', 'zaq12wsx',
  'abc@123', 'abc@1234', 'abcd@1234', 'abc123!@#', 'abcd1234!', 'aa123456', 'aa123456!', 'a123456!', 'a1234567!', 'a1b2c3d4!',
  'welcome1', 'welcome1!', 'welcome@1', 'welcome@123', 'welcome123!', 'letmein1!', 'iloveyou1!', 'changeme', 'changeme1!', 'changeme@123',
  'test@123', 'test@1234', 'test123!', 'user@123', 'demo@123', 'demo#123', 'hello@123', 'china@123', 'woaini1314', 'woaini@1314',
  'summer2024!', 'summer2025!', 'winter2025!', 'spring2026!', 'autumn2026!', 'p@ssw0rd2026', 'password2026!', 'qwerty2026!', 'company@123', 'a123456789!',
];

const COMMON = new Set(COMMON_PASSWORDS.map((p) => p.toLowerCase()));

/**
 * The first reason the password is refused, or null when it is acceptable: at least 8 characters
 * with three of lowercase, uppercase, digit, symbol; not containing the username (ignoring case);
 * not the published demo password unless the installation runs the demo; not a common password.
 */
export function passwordProblem(password: string, opts: { username?: string | null; demo?: boolean } = {}): PasswordProblemCode | null {
  if (password.length < PASSWORD_MIN_LENGTH) return 'TOO_SHORT';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) return 'TOO_SIMPLE';
  const lower = password.toLowerCase();
  const username = opts.username?.trim().toLowerCase();
  if (username && username.length >= 3 && lower.includes(username)) return 'CONTAINS_USERNAME';
  if (password === PUBLISHED_DEMO_PASSWORD) return opts.demo ? null : 'DEMO_PASSWORD';
  if (COMMON.has(lower)) return 'COMMON';
  return null;
}
