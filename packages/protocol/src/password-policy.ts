/**
 * The password rules of the center, shared with the console so it can say
 * what is missing while the password is typed: at least 8 characters with
 * three of the four kinds (upper case, lower case, digits, symbols), not the
 * user name, and not one of the passwords every attacker tries first.
 */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

export type PasswordProblem = 'too_short' | 'too_long' | 'too_simple' | 'contains_username' | 'common';

const COMMON = new Set([
  'password1!',
  'p@ssw0rd',
  'p@ssword1',
  'admin@123',
  'admin123!',
  'qwer1234!',
  'abc@1234',
  'a1b2c3d4!',
  'welcome1!',
  'changeme1!',
]);

/** What is wrong with a new password; empty when it may be used. */
export function passwordProblems(password: string, username: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) {
    problems.push('too_short');
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    problems.push('too_long');
  }
  const kinds = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (kinds < 3) {
    problems.push('too_simple');
  }
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    problems.push('contains_username');
  }
  if (COMMON.has(password.toLowerCase())) {
    problems.push('common');
  }
  return problems;
}
