import { Module } from '@nestjs/common';
import { OrgController } from './org.controller';
import { OrgService } from './org.service';

@Module({ controllers: [OrgController], providers: [OrgService], exports: [OrgService] })
export class OrgModule {}
