import { ArrayMaxSize, ArrayUnique, IsArray, IsEmail, IsEnum, IsInt, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { PHONE_PATTERN, USERNAME_PATTERN, UserStatus } from '@drp/shared';
import { PageQueryDto } from '../../common/http/pagination';

export class CreateUserDto {
  @Matches(USERNAME_PATTERN, { message: 'username must be 3-32 lowercase letters, digits, . _ or -' }) username: string;
  @IsString() @MinLength(1) @MaxLength(50) displayName: string;
  @IsString() @MaxLength(128) password: string;
  @IsUUID() orgId: string;
  @IsArray() @ArrayUnique() @ArrayMaxSize(20) @IsUUID('all', { each: true }) roleIds: string[];
  @IsOptional() @ValidateIf((_, v) => v !== null) @Matches(PHONE_PATTERN, { message: 'phone may hold digits, spaces, + - ( ) (5-20 characters)' }) phone?: string | null;
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsEmail() @MaxLength(100) email?: string | null;
}

export class UpdateUserDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(50) displayName?: string;
  @IsOptional() @IsUUID() orgId?: string;
  @IsOptional() @IsArray() @ArrayUnique() @ArrayMaxSize(20) @IsUUID('all', { each: true }) roleIds?: string[];
  @IsOptional() @ValidateIf((_, v) => v !== null) @Matches(PHONE_PATTERN, { message: 'phone may hold digits, spaces, + - ( ) (5-20 characters)' }) phone?: string | null;
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsEmail() @MaxLength(100) email?: string | null;
  @IsInt() @Min(1) version: number;
}

export class ResetPasswordDto {
  @IsString() @MaxLength(128) newPassword: string;
}

export class SetDealersDto {
  @IsArray() @ArrayUnique() @ArrayMaxSize(500) @IsUUID('all', { each: true }) dealerIds: string[];
}

export class UserQueryDto extends PageQueryDto {
  @IsOptional() @IsUUID() orgId?: string;
  @IsOptional() @IsEnum(UserStatus) status?: UserStatus;
  @IsOptional() @IsUUID() roleId?: string;
}
