import type { DB } from '../database/schema';

/** Tables that hold a document with a `status` column the kernel may write. */
export type StatusTable = { [T in keyof DB]: DB[T] extends { status: unknown; id: unknown } ? T : never }[keyof DB];

/**
 * A document type's states and the moves between them, declared once (STYLE: "state machines for
 * documents", after Vendure's order state machine). `DocumentKernel.transition` refuses any move
 * not listed here; the table is checked when the app starts.
 */
export interface DocumentMachine<S extends string = string> {
  /** e.g. 'SALES_ORDER' */
  readonly type: string;
  readonly table: StatusTable;
  readonly states: readonly S[];
  /** the states a new document may start in */
  readonly initial: readonly S[];
  /** allowed moves: from -> the states it may go to (a state absent here is final) */
  readonly transitions: Readonly<Partial<Record<S, readonly S[]>>>;
  /** the table has a `version` column the kernel bumps with the status (stale edits -> 409) */
  readonly versioned?: boolean;
}

/** Problems of a machine's table, empty when it is sound: unknown states, unreachable states, duplicates. */
export function checkMachine(m: DocumentMachine): string[] {
  const problems: string[] = [];
  const states = new Set(m.states);
  if (states.size !== m.states.length) problems.push(`${m.type}: a state is listed twice`);
  if (!m.initial.length) problems.push(`${m.type}: no initial state`);
  for (const s of m.initial) if (!states.has(s)) problems.push(`${m.type}: initial state ${s} is not a state`);
  for (const [from, tos] of Object.entries(m.transitions) as [string, readonly string[]][]) {
    if (!states.has(from)) problems.push(`${m.type}: transition from unknown state ${from}`);
    for (const to of tos) if (!states.has(to)) problems.push(`${m.type}: transition ${from} -> unknown state ${to}`);
  }
  // every state can be reached from an initial one
  const seen = new Set<string>(m.initial);
  for (let grew = true; grew; ) {
    grew = false;
    for (const from of [...seen]) {
      for (const to of (m.transitions as Record<string, readonly string[] | undefined>)[from] ?? []) {
        if (seen.has(to)) continue;
        seen.add(to);
        grew = true;
      }
    }
  }
  for (const s of m.states) if (!seen.has(s)) problems.push(`${m.type}: state ${s} cannot be reached`);
  return problems;
}

/** Whether the machine allows `from` -> `to`. */
export function canMove<S extends string>(m: DocumentMachine<S>, from: S, to: S): boolean {
  return (m.transitions[from] ?? []).includes(to);
}
