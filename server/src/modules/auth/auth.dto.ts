import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @IsString() @MinLength(1) @MaxLength(64) username: string;
  @IsString() @MinLength(1) @MaxLength(128) password: string;
}

export class RefreshDto {
  @IsString() @MinLength(20) @MaxLength(200) refreshToken: string;
}

export class LogoutDto {
  @IsOptional() @IsString() @MaxLength(200) refreshToken?: string;
}

export class ChangePasswordDto {
  @IsString() @MinLength(1) @MaxLength(128) oldPassword: string;
  @IsString() @MinLength(1) @MaxLength(128) newPassword: string;
}

export class ActivateDto {
  /** the one-time invite code */
  @IsString() @MinLength(6) @MaxLength(64) code: string;
  @IsString() @MinLength(1) @MaxLength(128) password: string;
  /** optional new username (3-32 lowercase letters, digits, . _ -) */
  @IsOptional() @IsString() @MaxLength(32) username?: string;
}
