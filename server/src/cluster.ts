import cluster, { Worker } from 'node:cluster';

/**
 * Cluster mode (WEB_CONCURRENCY > 1): the primary process serves nothing itself; it starts N
 * workers that share the port (Node's cluster round-robins connections on Linux). The app is
 * stateless between requests (sessions, throttles, idempotency and the principal version live in
 * PostgreSQL; the per-process principal cache is version-checked on every request), so any worker
 * may answer any request.
 *
 * - Worker 1 starts alone first: it runs the migrations and seeds an empty database, and it is the
 *   one that runs background jobs (pg-boss would coordinate several, but one runner keeps the
 *   database's connection count predictable). The others start once it listens.
 * - A worker that dies is started again (with the same role); one that dies within 10 s of starting
 *   twice in a row stops the whole server instead of looping.
 * - SIGTERM/SIGINT: every worker closes (finishing its requests), then the primary exits.
 */
export interface ClusterOptions {
  workers: number;
  /** variables every worker gets (the database URL the primary resolved, the JWT secret) */
  env: Record<string, string>;
  /** whether the job-runner worker runs jobs (JOBS_ENABLED) */
  jobsEnabled: boolean;
  /** called once every worker listens */
  onReady: () => void;
  /** called after the last worker exited on shutdown, or when the cluster gives up */
  onStopped: (code: number) => Promise<void>;
}

export function runPrimary(opts: ClusterOptions): void {
  let stopping = false;
  let exitCode = 0;
  let readyCount = 0;
  let announced = false;
  const quickDeaths = new Map<number, number>();
  const alive = new Set<Worker>();

  const start = (slot: number): Worker => {
    const worker = cluster.fork({
      ...opts.env,
      DRP_WORKER: String(slot),
      // only the first worker migrates/seeds (it starts alone) and runs jobs
      JOBS_ENABLED: slot === 1 && opts.jobsEnabled ? 'true' : 'false',
    });
    alive.add(worker);
    const startedAt = Date.now();
    worker.once('listening', () => {
      quickDeaths.delete(slot);
      if (slot === 1 && readyCount === 0) for (let s = 2; s <= opts.workers; s++) start(s);
      readyCount++;
      if (!announced && readyCount >= opts.workers) {
        announced = true;
        opts.onReady();
      }
    });
    worker.once('exit', (code, signal) => {
      alive.delete(worker);
      if (stopping) {
        if (alive.size === 0) void opts.onStopped(exitCode);
        return;
      }
      const quick = Date.now() - startedAt < 10_000;
      const deaths = quick ? (quickDeaths.get(slot) ?? 0) + 1 : 0;
      quickDeaths.set(slot, deaths);
      if (deaths >= 2 || (!announced && slot === 1)) {
        console.error(`Worker ${slot} exited (code ${code ?? '-'}, signal ${signal ?? '-'}) while starting: stopping the server`);
        stopAll(1);
        return;
      }
      console.error(`Worker ${slot} exited (code ${code ?? '-'}, signal ${signal ?? '-'}): starting it again`);
      start(slot);
    });
    return worker;
  };

  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    if (alive.size === 0) {
      void opts.onStopped(code);
      return;
    }
    for (const w of alive) w.process.kill('SIGTERM');
    // a worker that does not finish within 15 s is killed; the exit handler then completes the stop
    setTimeout(() => {
      for (const w of alive) w.process.kill('SIGKILL');
    }, 15_000).unref();
  };

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      console.log(`${sig}: shutting down ${opts.workers} workers`);
      stopAll(0);
    });
  }
  start(1);
}

export function isWorker(): boolean {
  return cluster.isWorker;
}
