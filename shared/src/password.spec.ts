import { COMMON_PASSWORDS, PUBLISHED_DEMO_PASSWORD, passwordProblem } from './password';

describe('passwordProblem', () => {
  it('accepts a long enough password with three character classes', () => {
    expect(passwordProblem('Better#2027')).toBeNull();
    expect(passwordProblem('Reset#2026x', { username: 'sh.manager', demo: false })).toBeNull();
  });

  it('refuses short and one- or two-class passwords', () => {
    expect(passwordProblem('Ab#1')).toBe('TOO_SHORT');
    expect(passwordProblem('alllowercase')).toBe('TOO_SIMPLE');
    expect(passwordProblem('lowercase123')).toBe('TOO_SIMPLE');
  });

  it('refuses a password containing the username, ignoring case', () => {
    expect(passwordProblem('Bj.Dealer1#x', { username: 'bj.dealer1' })).toBe('CONTAINS_USERNAME');
    expect(passwordProblem('X#Admin2027', { username: 'ADMIN' })).toBe('CONTAINS_USERNAME');
    expect(passwordProblem('X#Admin2027', { username: 'bj.manager' })).toBeNull();
    // too short a username says nothing
    expect(passwordProblem('Ab#12345xy', { username: 'ab' })).toBeNull();
  });

  it('refuses the published demo password outside the demo only', () => {
    expect(PUBLISHED_DEMO_PASSWORD).toBe('Demo#2026');
    expect(passwordProblem('Demo#2026', { demo: false })).toBe('DEMO_PASSWORD');
    expect(passwordProblem('Demo#2026')).toBe('DEMO_PASSWORD');
    expect(passwordProblem('Demo#2026', { demo: true })).toBeNull();
  });

  it('refuses common passwords, ignoring case', () => {
    expect(passwordProblem('P@ssw0rd')).toBe('COMMON');
    expect(passwordProblem('Password123!')).toBe('COMMON');
    expect(passwordProblem('Admin@123', { username: 'bj.manager' })).toBe('COMMON');
    expect(passwordProblem('QWERTY123!')).toBe('COMMON');
  });

  it('keeps a list of about a hundred distinct entries', () => {
    expect(COMMON_PASSWORDS.length).toBeGreaterThanOrEqual(90);
    expect(new Set(COMMON_PASSWORDS.map((p) => p.toLowerCase())).size).toBe(COMMON_PASSWORDS.length);
  });
});
