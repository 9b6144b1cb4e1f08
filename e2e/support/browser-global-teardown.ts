import type { PgServer } from './pg-server';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __pgServer?: PgServer }).__pgServer?.stop();
}
