import type { FormItemRule } from 'element-plus';
import { CODE_PATTERN, PHONE_PATTERN, USERNAME_PATTERN, passwordProblem } from '@drp/shared';
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
  /**
   * The shared password rule (`passwordProblem`), with translated messages. `username` (read when
   * the rule runs) is the account's, when the form knows it.
   */
  password(username?: () => string | null | undefined): FormItemRule {
    return {
      trigger: 'blur',
      validator: (_rule, value: string, callback) => {
        const problems = passwordIssues(value ?? '', username?.());
        if (problems.length) callback(new Error(problems.join('；')));
        else callback();
      },
    };
  },
};

/**
 * The shared password rule: `passwordProblem` from @drp/shared decides (so web and server never
 * disagree), its code is translated (`password.reason.<CODE>`). The web does not know whether the
 * installation runs the demo, so the demo password is left to the server (WEAK_PASSWORD, reason DEMO_PASSWORD).
 */
export function passwordIssues(password: string, username?: string | null): string[] {
  const problem = passwordProblem(password, { username, demo: true });
  return problem ? [t(`password.reason.${problem}`)] : [];
}
