import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode } from '@drp/shared';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { DomainError } from '../../common/errors/domain-error';

/** The folder uploaded files live in (DATA_DIR/uploads): the storage service's, and the backup's. */
export function uploadsDir(config: Pick<AppConfig, 'dataDir'>): string {
  return path.join(config.dataDir, 'uploads');
}

/**
 * The one place uploaded files live: local disk under DATA_DIR/uploads by default. Keys are
 * random (a uuid plus the extension), so a key is unguessable and can be served without a token
 * (images in the mall). Another backend (S3, OSS) would implement the same three methods.
 */
@Injectable()
export class StorageService {
  private readonly root: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.root = uploadsDir(config);
  }

  async put(data: Buffer, extension: string): Promise<string> {
    const key = `${randomUUID()}${extension}`;
    await fs.promises.mkdir(this.root, { recursive: true });
    await fs.promises.writeFile(path.join(this.root, key), data);
    return key;
  }

  /** The absolute path of a stored file, or a 404 for an unknown or malformed key. */
  locate(key: string): string {
    if (!/^[0-9a-f-]{36}\.(png|jpg|jpeg|webp|gif)$/.test(key)) throw new DomainError(ErrorCode.NOT_FOUND, 'file not found');
    const file = path.join(this.root, key);
    if (!fs.existsSync(file)) throw new DomainError(ErrorCode.NOT_FOUND, 'file not found');
    return file;
  }

  /**
   * The absolute path of a private document (an invoice's PDF / OFD / image), or a 404. These are
   * never served by the public /api/files route (its `locate` accepts images only): the owning
   * module streams them after its own scope check.
   */
  locateDocument(key: string): string {
    if (!/^[0-9a-f-]{36}\.(pdf|ofd|xml|png|jpg|jpeg|webp|gif)$/.test(key)) throw new DomainError(ErrorCode.NOT_FOUND, 'file not found');
    const file = path.join(this.root, key);
    if (!fs.existsSync(file)) throw new DomainError(ErrorCode.NOT_FOUND, 'file not found');
    return file;
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(path.join(this.root, path.basename(key)), { force: true });
  }

  url(key: string): string {
    return `/api/files/${key}`;
  }
}
