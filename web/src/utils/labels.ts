import { BUILTIN_ROLES, type RoleRef } from '@drp/shared';
import { currentLocale } from '@/i18n';

/**
 * A role's name in the current language: the role's own English name when it has one, the
 * built-in catalogue's English name for built-in codes, else the (Chinese) name.
 */
export function roleLabel(role: RoleRef & { nameEn?: string | null }): string {
  if (currentLocale() !== 'en') return role.name;
  return role.nameEn || BUILTIN_ROLES.find((b) => b.code === role.code)?.nameEn || role.name;
}
