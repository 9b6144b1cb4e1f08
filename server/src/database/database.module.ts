import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { migrations } from '@drp/migrations';
import { AppConfig } from '../config/config';
import { DbService } from './db.service';
import { DocNumberService } from './doc-number.service';
import { ENTITIES } from './entities';
import { poolClient } from './prepared-statements';

export const DATABASE_URL = Symbol('DATABASE_URL');

/** The one connection pool. Migrations run at start; `synchronize` stays off (ARCHITECTURE §3). */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig, url: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url,
          entities: ENTITIES,
          migrations,
          migrationsTableName: 'typeorm_migrations',
          migrationsRun: true,
          migrationsTransactionMode: 'each',
          synchronize: false,
          // JIT off for every connection: our queries are short OLTP reads whose estimates over a big
          // catalog can still switch JIT on, and compiling costs hundreds of ms for a query of ~10 ms
          // (found by the mall-catalog bench)
          // Client: statements prepared once per connection (prepared-statements.ts)
          extra: { max: config.dbPoolSize, application_name: 'drp-server', options: '-c jit=off', Client: poolClient(config.dbPreparedStatements) },
          // failed queries surface through the error filter (with the request id); no console noise
          logging: ['migration'],
        }),
      ],
      providers: [{ provide: DATABASE_URL, useValue: url }, DbService, DocNumberService],
      exports: [DATABASE_URL, DbService, DocNumberService],
    };
  }
}
