import { Module } from '@nestjs/common';
import { RolesModule } from '../roles/roles.module';
import { SeedService } from './seed.service';

@Module({ imports: [RolesModule], providers: [SeedService], exports: [SeedService] })
export class SeedModule {}
