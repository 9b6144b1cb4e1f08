import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { ProductStatus } from '@drp/shared';

/** numeric columns stay strings in TypeScript: money and quantities never pass through floats. */
const decimal = (precision: number, scale: number, extra: object = {}) => ({ type: 'numeric' as const, precision, scale, ...extra });

@Entity('category')
export class Category {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column() code: string;
  @Column() name: string;
  @Column({ name: 'parent_id', type: 'uuid', nullable: true }) parentId: string | null;
  @Column() path: string;
  @Column({ type: 'int' }) depth: number;
  @Column({ name: 'sort_order', type: 'int' }) sortOrder: number;
  @VersionColumn() version: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

@Entity('product')
export class Product {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column() code: string;
  @Column() name: string;
  @Column({ type: 'varchar', nullable: true }) spec: string | null;
  @Column({ type: 'varchar', nullable: true }) brand: string | null;
  @Column({ name: 'category_id', type: 'uuid' }) categoryId: string;
  @Column({ name: 'base_unit' }) baseUnit: string;
  @Column({ type: 'varchar', nullable: true }) barcode: string | null;
  @Column({ name: 'tax_rate', ...decimal(5, 4) }) taxRate: string;
  @Column({ name: 'base_price', ...decimal(18, 4) }) basePrice: string;
  @Column({ name: 'floor_price', ...decimal(18, 4, { nullable: true }) }) floorPrice: string | null;
  @Column({ name: 'min_order_qty', ...decimal(18, 3) }) minOrderQty: string;
  @Column({ name: 'order_multiple', ...decimal(18, 3) }) orderMultiple: string;
  @Column({ type: 'varchar' }) status: ProductStatus;
  @Column({ name: 'mall_published' }) mallPublished: boolean;
  @Column({ name: 'low_stock_threshold', ...decimal(18, 3) }) lowStockThreshold: string;
  @Column({ type: 'varchar', nullable: true }) remark: string | null;
  @VersionColumn() version: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

@Entity('product_price')
export class ProductPrice {
  @PrimaryColumn({ name: 'product_id', type: 'uuid' }) productId: string;
  @PrimaryColumn({ type: 'smallint' }) level: number;
  @Column(decimal(18, 4)) price: string;
}

@Entity('product_unit')
export class ProductUnit {
  @PrimaryColumn({ name: 'product_id', type: 'uuid' }) productId: string;
  @PrimaryColumn() unit: string;
  @Column(decimal(18, 3)) factor: string;
  @Column({ type: 'varchar', nullable: true }) barcode: string | null;
}

@Entity('product_image')
export class ProductImage {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'product_id', type: 'uuid' }) productId: string;
  @Column({ name: 'storage_key' }) storageKey: string;
  @Column({ name: 'file_name' }) fileName: string;
  @Column({ name: 'content_type' }) contentType: string;
  @Column({ name: 'size_bytes', type: 'int' }) sizeBytes: number;
  @Column({ name: 'sort_order', type: 'int' }) sortOrder: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
