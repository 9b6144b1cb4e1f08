import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtStrategy } from './jwt.strategy';

@Module({ imports: [UsersModule], controllers: [AuthController], providers: [AuthService, JwtStrategy], exports: [AuthService] })
export class AuthModule {}
