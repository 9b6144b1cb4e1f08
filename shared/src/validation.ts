/** Input rules used by both the server's DTOs and the web forms, so their messages agree. */
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,31}$/;
export const PHONE_PATTERN = /^[0-9+\-() ]{5,20}$/;
export const PASSWORD_MIN_LENGTH = 8;

/** A password needs 8+ characters with at least three of: lower, upper, digit, symbol. */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push(`at least ${PASSWORD_MIN_LENGTH} characters`);
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) problems.push('three of: lowercase, uppercase, digit, symbol');
  return problems;
}
