import type { FormItemRule } from 'element-plus';
import { CODE_PATTERN, PHONE_PATTERN, USERNAME_PATTERN, passwordProblems } from '@drp/shared';
import { t } from '@/i18n';

/**
 * Form rules mirroring the server's DTO validation (the patterns come from @drp/shared). Each
 * returns a fresh array so messages follow the current language when a form is built.
 */
export const rules = {
  required(messageKey: string, trigger: 'blur' | 'change' = 'blur'): FormItemRule {
    return { required: true, message: t(messageKey), trigger };
  },
  pattern(pattern: RegExp, messageKey: string): FormItemRule {
    return { pattern, message: t(messageKey), trigger: 'blur' };
  },
  code(messageKey = 'org.rules.codePattern'): FormItemRule {
    return { pattern: CODE_PATTERN, message: t(messageKey), trigger: 'blur' };
  },
  username(): FormItemRule {
    return { pattern: USERNAME_PATTERN, message: t('user.rules.usernamePattern'), trigger: 'blur' };
  },
  phone(messageKey = 'org.rules.phonePattern'): FormItemRule {
    return { pattern: PHONE_PATTERN, message: t(messageKey), trigger: 'blur' };
  },
  email(): FormItemRule {
    return { type: 'email', message: t('user.rules.emailPattern'), trigger: 'blur' };
  },
  /** The shared password policy (`passwordProblems`), with translated messages. */
  password(): FormItemRule {
    return {
      trigger: 'blur',
      validator: (_rule, value: string, callback) => {
        const problems = passwordIssues(value ?? '');
        if (problems.length) callback(new Error(problems.join('；')));
        else callback();
      },
    };
  },
};

/**
 * The shared password policy: `passwordProblems` from @drp/shared decides (so web and server
 * never disagree); its English problem lines are mapped to the current language.
 */
export function passwordIssues(password: string): string[] {
  return passwordProblems(password).map((problem) =>
    problem.startsWith('at least') ? t('password.tooShort') : t('password.tooSimple'),
  );
}
