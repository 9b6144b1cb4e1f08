import { Body, Controller, Get, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Ctx } from '../../common/context/ctx.decorator';
import { RequestContext } from '../../common/context/request-context';
import { Public } from '../../common/auth/permissions.decorator';
import { AuthService } from './auth.service';
import { ActivateDto, ChangePasswordDto, LoginDto, LogoutDto, RefreshDto } from './auth.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Sign in: an access token, a refresh token and the user with roles and permissions. */
  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Ctx() ctx: RequestContext, @Body() dto: LoginDto, @Headers('user-agent') ua?: string) {
    return this.auth.login(ctx, dto.username, dto.password, ua);
  }

  /** An invited (dealer) login sets its password with its one-time code; then it signs in as usual. */
  @Public()
  @Post('activate')
  @HttpCode(204)
  async activate(@Ctx() ctx: RequestContext, @Body() dto: ActivateDto) {
    await this.auth.activate(ctx, dto.code, dto.password, dto.username);
  }

  /** Trade a refresh token (once) for a new pair. */
  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Ctx() ctx: RequestContext, @Body() dto: RefreshDto) {
    return this.auth.refresh(ctx, dto.refreshToken);
  }

  /** End this login: its access and refresh tokens stop working. */
  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  async logout(@Ctx() ctx: RequestContext, @Body() dto: LogoutDto) {
    await this.auth.logout(ctx, dto.refreshToken);
  }

  @ApiBearerAuth()
  @Get('me')
  me(@Ctx() ctx: RequestContext) {
    return this.auth.me(ctx);
  }

  @ApiBearerAuth()
  @Post('change-password')
  @HttpCode(204)
  async changePassword(@Ctx() ctx: RequestContext, @Body() dto: ChangePasswordDto) {
    await this.auth.changePassword(ctx, dto.oldPassword, dto.newPassword);
  }
}
