import { canMove, checkMachine, DocumentMachine } from './document-machine';

const doc = (over: Partial<DocumentMachine> = {}): DocumentMachine => ({
  type: 'TEST_DOC',
  table: 'receipt',
  states: ['DRAFT', 'POSTED', 'REVERSED'],
  initial: ['DRAFT'],
  transitions: { DRAFT: ['POSTED'], POSTED: ['REVERSED'] },
  ...over,
});

describe('document state machines', () => {
  it('accepts a sound table', () => {
    expect(checkMachine(doc())).toEqual([]);
  });

  it('names unknown states in transitions and initial states', () => {
    expect(checkMachine(doc({ transitions: { DRAFT: ['POSTED', 'LOST'], POSTED: ['REVERSED'], GONE: ['DRAFT'] } }))).toEqual([
      'TEST_DOC: transition DRAFT -> unknown state LOST',
      'TEST_DOC: transition from unknown state GONE',
    ]);
    expect(checkMachine(doc({ initial: ['NEW'] }))).toContain('TEST_DOC: initial state NEW is not a state');
  });

  it('names states no move reaches, and a machine with no start', () => {
    expect(checkMachine(doc({ transitions: { DRAFT: ['POSTED'] } }))).toEqual(['TEST_DOC: state REVERSED cannot be reached']);
    expect(checkMachine(doc({ initial: [] }))).toContain('TEST_DOC: no initial state');
    expect(checkMachine(doc({ states: ['DRAFT', 'POSTED', 'REVERSED', 'DRAFT'] }))).toContain('TEST_DOC: a state is listed twice');
  });

  it('allows only the listed moves', () => {
    const m = doc();
    expect(canMove(m, 'DRAFT', 'POSTED')).toBe(true);
    expect(canMove(m, 'DRAFT', 'REVERSED')).toBe(false);
    expect(canMove(m, 'REVERSED', 'DRAFT')).toBe(false);
  });
});
