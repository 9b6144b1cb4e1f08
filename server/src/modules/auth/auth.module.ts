import { Module } from '@nestjs/common';
import { AccessTokenAuthenticator } from '../../common/auth/auth.guard';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtStrategy } from './jwt.strategy';

@Module({
  imports: [UsersModule],
  controllers: [AuthController],
  providers: [AuthService, JwtStrategy, { provide: AccessTokenAuthenticator, useExisting: JwtStrategy }],
  // the global AppAuthGuard (AppModule) checks every request's token through AccessTokenAuthenticator
  exports: [AuthService, AccessTokenAuthenticator],
})
export class AuthModule {}
