import { createReadStream } from 'node:fs';
import * as path from 'node:path';
import { Controller, Get, Param, Res, StreamableFile } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/auth/permissions.decorator';
import { StorageService } from './storage.service';

const TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.gif': 'image/gif' };

@ApiTags('files')
@Controller('files')
export class FilesController {
  constructor(private readonly storage: StorageService) {}

  /** An uploaded file by its (unguessable) key; long-cached, a key never changes content. */
  @Public()
  @Get(':key')
  get(@Param('key') key: string, @Res({ passthrough: true }) res: Response): StreamableFile {
    const file = this.storage.locate(key);
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    return new StreamableFile(createReadStream(file), { type: TYPES[path.extname(file)] ?? 'application/octet-stream' });
  }
}
