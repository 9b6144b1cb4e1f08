import * as fs from 'node:fs';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import express from 'express';

/**
 * Serves the built web app at `/` with history-mode fallback: any GET outside `/api` that is not
 * a file answers index.html, so `/orgs` or `/mall` load the app. `/api` stays JSON, including its
 * errors. (Written here rather than with @nestjs/serve-static, whose error handler turns every
 * body-parser error under an excluded path, such as malformed JSON, into a 404.)
 */
export function serveWebApp(app: INestApplication, webDist: string): boolean {
  const index = path.join(webDist, 'index.html');
  if (!fs.existsSync(index)) return false;
  const http = app.getHttpAdapter().getInstance() as express.Express;
  http.use(
    express.static(webDist, {
      index: false,
      maxAge: '7d',
      immutable: true,
      setHeaders: (res, file) => {
        // hashed assets may be cached for long; everything else is revalidated
        if (!file.includes(`${path.sep}assets${path.sep}`)) res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  http.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path === '/api' || req.path.startsWith('/api/')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return true;
}
