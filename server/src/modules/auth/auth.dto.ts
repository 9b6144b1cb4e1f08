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
