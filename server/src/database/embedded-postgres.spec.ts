import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stopOrphan } from './embedded-postgres';

/** The restart after a crash (issue #11): a server left running on our data folder is found by its postmaster.pid and stopped. */
describe('stopOrphan', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drp-orphan-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('does nothing without a pid file, and leaves a dead process\'s pid file to PostgreSQL', async () => {
    expect(await stopOrphan(dir, () => undefined)).toBe('none');
    fs.writeFileSync(path.join(dir, 'postmaster.pid'), '999999999\n/x\n1\n54329\n');
    expect(await stopOrphan(dir, () => undefined)).toBe('stale');
  });

  it('stops a process still running on the folder and says so', async () => {
    // stands in for the orphaned postmaster: a process that ends on SIGINT
    const orphan = spawn('sleep', ['60'], { stdio: 'ignore' });
    const exited = new Promise((r) => orphan.once('exit', r));
    fs.writeFileSync(path.join(dir, 'postmaster.pid'), `${orphan.pid}\n${dir}\n1\n54329\n`);
    const said: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await stopOrphan(dir, (l) => said.push(l))).toBe('stopped');
    } finally {
      log.mockRestore();
    }
    await exited;
    expect(said.join('\n')).toMatch(new RegExp(`pid ${orphan.pid}.*stopping it[\\s\\S]*Stopped the earlier PostgreSQL`));
  });
});
