import * as fs from 'node:fs';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import compression from 'compression';
import express from 'express';

/** Encodings the build writes beside each asset (web/vite.config.ts), in order of preference. */
const PRECOMPRESSED = [
  { encoding: 'br', ext: '.br' },
  { encoding: 'gzip', ext: '.gz' },
] as const;

/** Content types of the files the build may precompress (send's lookup would see `.br`). */
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=UTF-8',
  '.mjs': 'text/javascript; charset=UTF-8',
  '.css': 'text/css; charset=UTF-8',
  '.html': 'text/html; charset=UTF-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=UTF-8',
  '.txt': 'text/plain; charset=UTF-8',
};

/** A year, for files whose name carries a content hash (a new build makes a new name). */
const HASHED_MAX_AGE = 'public, max-age=31536000, immutable';

/**
 * The encodings a request accepts, from its Accept-Encoding header (`q=0` refuses one). Exported
 * for the unit test.
 */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q && Number(q.slice(2)) === 0) continue;
    accepted.add(name);
  }
  return accepted;
}

/**
 * Serves the built web app at `/` with history-mode fallback: any GET outside `/api` that is not
 * a file answers index.html, so `/orgs` or `/mall` load the app. `/api` stays JSON, including its
 * errors. (Written here rather than with @nestjs/serve-static, whose error handler turns every
 * body-parser error under an excluded path, such as malformed JSON, into a 404.)
 *
 * The build writes a brotli (`.br`) and a gzip (`.gz`) copy beside every compressible file; a
 * client that accepts one gets it as is (`Content-Encoding`, `Vary: Accept-Encoding`), with no
 * compression work per request. Hashed assets (`/assets/…`) are cached for a year, everything
 * else (index.html, the favicon) is revalidated.
 */
export function serveWebApp(app: INestApplication, webDist: string): boolean {
  const index = path.join(webDist, 'index.html');
  if (!fs.existsSync(index)) return false;
  const root = path.resolve(webDist);
  const http = app.getHttpAdapter().getInstance() as express.Express;

  const cacheControl = (file: string) => (file.startsWith(path.join(root, 'assets') + path.sep) ? HASHED_MAX_AGE : 'no-cache');

  /** Sends `file` (inside the build), precompressed when the client takes an encoding we have. */
  const sendBuilt = (req: express.Request, res: express.Response, next: express.NextFunction, file: string): void => {
    const type = TYPES[path.extname(file)];
    if (type) {
      res.setHeader('Vary', 'Accept-Encoding');
      const accepted = acceptedEncodings(req.headers['accept-encoding']);
      for (const { encoding, ext } of PRECOMPRESSED) {
        if (!accepted.has(encoding) || !fs.existsSync(file + ext)) continue;
        res.setHeader('Content-Type', type);
        res.setHeader('Content-Encoding', encoding);
        res.setHeader('Cache-Control', cacheControl(file));
        res.sendFile(file + ext, { cacheControl: false, lastModified: true, etag: true }, (err) => err && next(err));
        return;
      }
    }
    res.setHeader('Cache-Control', cacheControl(file));
    res.sendFile(file, { cacheControl: false }, (err) => err && next(err));
  };

  http.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/api' || req.path.startsWith('/api/')) return next();
    let rel: string;
    try {
      rel = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    const file = path.resolve(root, '.' + rel);
    // a real file of the build (never outside it, never a precompressed copy asked for by name)
    if (file.startsWith(root + path.sep) && !file.endsWith('.br') && !file.endsWith('.gz') && fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
      return sendBuilt(req, res, next, file);
    }
    // a missing hashed asset is a 404, not the app (an old tab asking for last build's chunk)
    if (rel.startsWith('/assets/')) return res.status(404).type('text/plain').send('Not found');
    sendBuilt(req, res, next, index);
  });
  return true;
}

/** Types never worth compressing again, or that must reach the client as written (streams). */
const NEVER_COMPRESS = /^(text\/event-stream|application\/(zip|gzip|octet-stream|pdf|vnd\.openxmlformats)|image\/(?!svg)|video\/|audio\/)/;

/**
 * Compresses API answers (JSON lists, OpenAPI) above 1 KB for clients that accept it. Left alone:
 * answers already encoded (the precompressed web assets), downloads that are compressed already or
 * streamed (Excel files are zip archives; event streams must not be buffered), and a request that
 * asks for none with `x-no-compression`. A request with no Accept-Encoding at all (scripts, load
 * tools, health checks) skips the middleware: it could only answer it as is, yet would wrap every
 * write and header of the answer to find that out. Such an answer carries no `Vary:
 * Accept-Encoding`; it is the identity answer every client may be given.
 */
export function compressAnswers(): express.RequestHandler {
  const compress = compression({
    threshold: 1024,
    filter: (req, res) => {
      if (req.headers['x-no-compression']) return false;
      const type = String(res.getHeader('Content-Type') ?? '');
      if (NEVER_COMPRESS.test(type)) return false;
      return compression.filter(req, res);
    },
  });
  return (req, res, next) => (req.headers['accept-encoding'] ? compress(req, res, next) : next());
}
