import { Client } from 'pg';

type Wire = {
  sync(...a: unknown[]): unknown;
  query(...a: unknown[]): unknown;
  prependListener(event: string, fn: () => void): void;
};

/**
 * What went over the wire, client by client, while `recorded` runs: each statement as it was sent
 * (a simple query, or an extended one at its Sync) and each answer's end (ReadyForQuery). From it,
 * `roundTrips` groups the statements sent without waiting for an answer in between: two
 * statements in one group reached PostgreSQL together (pg's pipeline mode), two in separate
 * groups cost the client a round trip each. `install` before, `uninstall` after.
 */
export function wireRecorder() {
  const original = Client.prototype.query;
  type Log = { texts: string[]; events: ({ sent: string } | 'ready')[] };
  // a client's wire is patched once; its log is emptied by each recording
  const logs = new WeakMap<Client, Log>();
  const seen = new Set<Log>();
  let recording = false;
  const logOf = (client: Client) => {
    let log = logs.get(client);
    if (!log) {
      logs.set(client, (log = { texts: [], events: [] }));
      const wire = (client as unknown as { connection: Wire }).connection;
      const entry = log;
      const sent = () => recording && seen.add(entry) && entry.events.push({ sent: entry.texts.shift() ?? '?' });
      const sync = wire.sync.bind(wire);
      const query = wire.query.bind(wire);
      wire.sync = (...a: unknown[]) => (sent(), sync(...a));
      wire.query = (...a: unknown[]) => (sent(), query(...a));
      // before the client's own handler, which may send the next statement at once
      wire.prependListener('readyForQuery', () => recording && seen.has(entry) && entry.events.push('ready'));
    }
    seen.add(log);
    return log;
  };
  return {
    install(): void {
      Client.prototype.query = function (this: Client, ...args: unknown[]) {
        const first = args[0] as string | { text?: string; submit?: unknown };
        const text = typeof first === 'string' ? first : first?.text;
        if (recording && typeof text === 'string') logOf(this).texts.push(text.replace(/\s+/g, ' ').trim());
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof Client.prototype.query;
    },
    uninstall(): void {
      Client.prototype.query = original;
    },
    /** `fn`'s answer, and per client that sent anything, its statements grouped by round trip */
    async recorded<T>(fn: () => Promise<T>): Promise<[T, string[][][]]> {
      for (const l of seen) {
        l.texts = [];
        l.events = [];
      }
      seen.clear();
      recording = true;
      try {
        const answer = await fn();
        return [answer, [...seen].filter((l) => l.events.length).map((l) => roundTrips(l.events))];
      } finally {
        recording = false;
      }
    },
  };
}

/** statements grouped: a new group starts at a statement sent after an answer came back */
function roundTrips(events: ({ sent: string } | 'ready')[]): string[][] {
  const groups: string[][] = [];
  let answered = true;
  for (const e of events) {
    if (e === 'ready') answered = true;
    else {
      if (answered) groups.push([]);
      answered = false;
      groups[groups.length - 1].push(e.sent);
    }
  }
  return groups;
}
