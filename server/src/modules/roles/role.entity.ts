import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { DataScopeKind, Permission } from '@drp/shared';

@Entity('role')
export class Role {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column() code: string;
  @Column() name: string;
  @Column({ name: 'name_en', type: 'varchar', nullable: true }) nameEn: string | null;
  @Column({ type: 'varchar', nullable: true }) description: string | null;
  @Column() builtin: boolean;
  @Column({ name: 'data_scope', type: 'varchar' }) dataScope: DataScopeKind;
  @Column({ type: 'text', array: true }) permissions: Permission[];
  @VersionColumn() version: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
