import { Category, Product, ProductImage, ProductPrice, ProductUnit } from '../modules/catalog/catalog.entities';
import { AuditLog } from '../modules/audit/audit-log.entity';
import { StockDoc, StockMovement, Warehouse } from '../modules/inventory/inventory.entities';
import { Organization } from '../modules/org/organization.entity';
import { Role } from '../modules/roles/role.entity';
import { User, UserDealer, UserRole } from '../modules/users/user.entity';

/** Every TypeORM entity. A new module adds its entities here. */
export const ENTITIES = [Organization, Role, User, UserRole, UserDealer, AuditLog, Category, Product, ProductPrice, ProductUnit, ProductImage, Warehouse, StockDoc, StockMovement];
