import { INestApplication, ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ErrorCode } from '@drp/shared';
import { AppModule } from './app.module';
import { AppConfig } from './config/config';
import { DomainError } from './common/errors/domain-error';
import { SeedService } from './modules/seed/seed.service';
import { compressAnswers, serveWebApp } from './common/http/web-app';
import { securityHeaders } from './common/http/security-headers';
import { memoizeValidationMetadata } from './common/http/validation-metadata';

/** Flattens class-validator errors into `[{ field, messages }]` for the error body's details. */
export function validationDetails(errors: ValidationError[], prefix = ''): { field: string; messages: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...validationDetails(e.children ?? [], field)];
  });
}

/**
 * Builds the application exactly as production runs it (used by main.ts and by the e2e tests):
 * global prefix, validation, OpenAPI, logging; migrations run as the data source starts, then
 * roles and (on an empty database) demo data are seeded.
 */
export async function createApp(config: AppConfig, databaseUrl: string): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, databaseUrl), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix('api');
  const http = app.getHttpAdapter().getInstance();
  // X-Forwarded-For only from the proxies the operator names (TRUST_PROXY): else anyone could pick the address the audit log and the throttles see
  http.set('trust proxy', config.trustProxy);
  http.disable('x-powered-by');
  app.use(securityHeaders());
  // brotli/gzip: API answers above 1 KB here, the web app's assets precompressed at build time
  app.use(compressAnswers());
  serveWebApp(app, config.webDist);
  memoizeValidationMetadata();
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => {
        const details = validationDetails(errors);
        return new DomainError(ErrorCode.VALIDATION_FAILED, details.map((d) => d.messages.join(', ')).join('; ') || 'Invalid input', details);
      },
    }),
  );
  const doc = new DocumentBuilder()
    .setTitle('DRP platform API')
    .setDescription('Distribution resource planning: organisations, users, roles, audit (and, as they land, catalog, orders, finance). Errors: { statusCode, code, message, details? }.')
    .setVersion(config.version)
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'api/docs-json' });
  await app.init();
  await app.get(SeedService).run();
  return app;
}
