import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino } from 'pino';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { AppAuthGuard } from './common/auth/auth.guard';
import { AllExceptionsFilter } from './common/errors/http-exception.filter';
import { IdempotencyModule } from './common/http/idempotency.interceptor';
import { EdgeInputMiddleware } from './common/http/edge-input.middleware';
import { JobsModule } from './modules/jobs/jobs.module';
import { KernelModule } from './kernel/kernel.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { HealthModule } from './modules/health/health.module';
import { OrgModule } from './modules/org/org.module';
import { RolesModule } from './modules/roles/roles.module';
import { SeedModule } from './modules/seed/seed.module';
import { UsersModule } from './modules/users/users.module';
import { StorageModule } from './modules/storage/storage.module';
import { CatalogModule } from './modules/catalog/catalog.module';
import { InventoryModule } from './modules/inventory/inventory.module';
import { PricingModule } from './modules/pricing/pricing.module';
import { FinanceModule } from './modules/finance/finance.module';
import { SalesModule } from './modules/sales/sales.module';
import { ApprovalModule } from './modules/approval/approval.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { MallModule } from './modules/mall/mall.module';
import { InvoicingModule } from './modules/invoicing/invoicing.module';
import { BackupModule } from './modules/backup/backup.module';
import { SettingsModule } from './modules/settings/settings.module';
import { VisitsModule } from './modules/visits/visits.module';
import { ReplenishmentModule } from './modules/replenishment/replenishment.module';
import { ReportsModule } from './modules/reports/reports.module';

@Module({})
export class AppModule implements NestModule {
  /** after the body parsers, before guards and pipes: NUL characters and absurd nesting never reach a route */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(EdgeInputMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }

  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // one request id on every line: the caller's X-Request-Id or a new one, echoed back
            genReqId: (req: IncomingMessage, res) => {
              const given = req.headers['x-request-id'];
              const id = typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
              res.setHeader('X-Request-Id', id);
              return id;
            },
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            autoLogging: { ignore: (req: IncomingMessage) => req.url === '/api/health' },
            // one line per request: req {id, method, url}, res {statusCode}, responseTime (README, LOG_LEVEL).
            // The serializers get the request and response themselves (not pino's full copies first, with
            // every header and socket field, made per request even at LOG_LEVEL=warn), and the line no longer
            // repeats the ~15 response headers (security headers, content type and length, etag) each time.
            wrapSerializers: false,
            serializers: {
              req: (req: IncomingMessage & { id: string; originalUrl?: string }) => ({ id: req.id, method: req.method, url: req.originalUrl ?? req.url }),
              res: (res: ServerResponse) => ({ statusCode: res.headersSent ? res.statusCode : null }),
              err: pino.stdSerializers.err,
            },
          },
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        }),
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(config, databaseUrl),
        // the @Idempotent() routes' interceptor (on those routes only: see there)
        IdempotencyModule,
        JwtModule.register({ global: true, secret: config.jwtSecret, signOptions: { algorithm: 'HS256' } }),
        JobsModule,
        AuditModule,
        KernelModule,
        HealthModule,
        AuthModule,
        OrgModule,
        RolesModule,
        UsersModule,
        SeedModule,
        StorageModule,
        CatalogModule,
        InventoryModule,
        PricingModule,
        NotificationsModule,
        InvoicingModule,
        FinanceModule,
        ApprovalModule,
        SalesModule,
        SettingsModule,
        VisitsModule,
        ReplenishmentModule,
        ReportsModule,
        MallModule,
        BackupModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AppAuthGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
