import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { MovementDocType, StockDocStatus, StockDocType } from '@drp/shared';

/** numeric columns stay strings in TypeScript: quantities never pass through floats. */
const qty = { type: 'numeric' as const, precision: 18, scale: 3 };

@Entity('warehouse')
export class Warehouse {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column() code: string;
  @Column() name: string;
  @Column({ name: 'org_id', type: 'uuid' }) orgId: string;
  @Column({ type: 'varchar', nullable: true }) address: string | null;
  @Column({ type: 'varchar' }) status: 'ACTIVE' | 'DISABLED';
  @VersionColumn() version: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

/** Written once, never edited (an adjustment's approval only moves its status): a correction is a new document. Stock rows and lines are read and written with SQL. */
@Entity('stock_doc')
export class StockDoc {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column() number: string;
  @Column({ type: 'varchar' }) type: StockDocType;
  @Column({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  @Column({ name: 'to_warehouse_id', type: 'uuid', nullable: true }) toWarehouseId: string | null;
  @Column({ type: 'varchar', nullable: true }) reason: string | null;
  @Column({ type: 'varchar', nullable: true }) remark: string | null;
  @Column({ name: 'business_date', type: 'date' }) businessDate: string;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  /** an adjustment waits for approval (PENDING_APPROVAL) before its stock moves */
  @Column({ type: 'varchar' }) status: StockDocStatus;
  @Column({ name: 'rejected_reason', type: 'varchar', nullable: true }) rejectedReason: string | null;
  @Column({ name: 'posted_at', type: 'timestamptz', nullable: true }) postedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

/** The ledger: one row per change of on_hand, with what it left behind. */
@Entity('stock_movement')
export class StockMovement {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'doc_id', type: 'uuid' }) docId: string;
  @Column({ name: 'doc_type', type: 'varchar' }) docType: MovementDocType;
  @Column({ name: 'doc_number' }) docNumber: string;
  @Column({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  @Column({ name: 'product_id', type: 'uuid' }) productId: string;
  @Column(qty) delta: string;
  @Column({ name: 'on_hand_after', ...qty }) onHandAfter: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
