import { SetMetadata } from '@nestjs/common';
import type { Permission } from '@drp/shared';

export const PERMISSIONS_KEY = 'drp:permissions';
export const PUBLIC_KEY = 'drp:public';
export const STAFF_ONLY_KEY = 'drp:staff-only';

/** The caller needs every listed permission. */
export const RequirePermissions = (...permissions: Permission[]) => SetMetadata(PERMISSIONS_KEY, permissions);

/** No sign-in needed (login, refresh, health). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * HQ and branch staff only: a console-only endpoint (price simulation, approval inbox, aging, the
 * full product list, import templates, promotions admin). A dealer's user gets 403 STAFF_ONLY even
 * with the permission (dealers hold products:view / prices:view for the mall); the web sends them
 * to /mall. On a controller it covers every route of it.
 */
export const StaffOnly = () => SetMetadata(STAFF_ONLY_KEY, true);
