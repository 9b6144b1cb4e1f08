import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { OrgStatus, OrgType, SettlementMethod } from '@drp/shared';

/** HQ, branches/offices and dealers in one tree (materialised path, see the migration). */
@Entity('organization')
export class Organization {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column() code: string;
  @Column() name: string;
  @Column({ type: 'varchar' }) type: OrgType;
  @Column({ name: 'parent_id', type: 'uuid', nullable: true }) parentId: string | null;
  @Column() path: string;
  @Column({ type: 'int' }) depth: number;
  @Column({ type: 'varchar' }) status: OrgStatus;
  @Column({ type: 'varchar', nullable: true }) contact: string | null;
  @Column({ type: 'varchar', nullable: true }) phone: string | null;
  @Column({ type: 'varchar', nullable: true }) address: string | null;
  @Column({ type: 'varchar', nullable: true }) region: string | null;
  @Column({ type: 'double precision', nullable: true }) longitude: number | null;
  @Column({ type: 'double precision', nullable: true }) latitude: number | null;
  @Column({ name: 'price_level', type: 'smallint', nullable: true }) priceLevel: number | null;
  @Column({ name: 'settlement_method', type: 'varchar', nullable: true }) settlementMethod: SettlementMethod | null;
  @Column({ type: 'varchar', nullable: true }) remark: string | null;
  @Column({ name: 'tax_id', type: 'varchar', nullable: true }) taxId: string | null;
  @VersionColumn() version: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
