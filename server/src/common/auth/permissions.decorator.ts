import { SetMetadata } from '@nestjs/common';
import type { Permission } from '@drp/shared';

export const PERMISSIONS_KEY = 'drp:permissions';
export const PUBLIC_KEY = 'drp:public';

/** The caller needs every listed permission. */
export const RequirePermissions = (...permissions: Permission[]) => SetMetadata(PERMISSIONS_KEY, permissions);

/** No sign-in needed (login, refresh, health). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
