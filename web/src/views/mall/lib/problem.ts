type T = (key: string, params?: Record<string, unknown>) => string;
type TE = (key: string) => boolean;

/** A cart line's problem in the user's language: the label of its code when there is one, else the server's words. */
export function problemText(problem: { code: string; message: string } | null | undefined, t: T, te: TE): string {
  if (!problem) return '';
  const key = `errors.${problem.code}`;
  return te(key) ? t(key) : problem.message;
}
