// SIGTERM with clients connected (issue 19): a browser tab keeps a keep-alive connection open, and a
// download may be in flight; the process must still be gone within 5 seconds.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, get, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_ELECTION_ID } from '../../src/modules/eligibility/demo-election';
import { startServerProcess } from '../support/server-process';

const root = join(__dirname, '..', '..');

describe('graceful shutdown', () => {
  it('exits within 5 s of SIGTERM while a keep-alive connection is open and a request is stuck half-sent', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'evote-shutdown-'));
    try {
      const server = await startServerProcess(root, { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' });
      const url = /running at (http:\/\/\S+)/.exec(server.output())![1].replace('localhost', '127.0.0.1');
      const agent = new Agent({ keepAlive: true, maxSockets: 2 });
      // An idle keep-alive connection (a tab that loaded a page), and a cast whose client sent half its body and stalled.
      await new Promise<void>((resolve, reject) => get(`${url}/health`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject));
      const stalled = request(`${url}/elections/${DEMO_ELECTION_ID}/ballots`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '5000' } });
      stalled.on('error', () => undefined); // reset by the server at shutdown
      stalled.write('{"token":');
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => server.child.once('exit', (code, signal) => resolve({ code, signal })));
      server.child.kill('SIGTERM');
      const result = await Promise.race([exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000))]);
      const took = Date.now() - started;
      if (result === 'timeout') server.child.kill('SIGKILL');
      agent.destroy();
      expect(result).not.toBe('timeout');
      expect(took).toBeLessThan(5_000);
      expect(result).toMatchObject({ signal: 'SIGTERM' }); // Nest's own hooks finished: not the last-resort exit
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
