import { spawn, type ChildProcess } from 'node:child_process';
import { fetchElection, obtainBallotToken, prepareBallot, type PreparedBallot } from '../../src/client/voter-client';
import { DEMO_ELECTION_ID } from '../../src/modules/eligibility/demo-election';
import { CookieJar, go, login } from '../integration/identity/support';

/** The real server as a child process, and the voters of the e2e fault tests (durability, database restart). */

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
}

/**
 * The real server (`src/main.ts`) as a child process on the given environment; resolves
 * once the demo election is ready.
 */
export async function startServerProcess(root: string, env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'development', DEMO_ELECTION: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = () => {
      if (out.includes('demo election:')) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${out}`));
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
  return { child, output: () => out };
}

export function killProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/**
 * `voters` sandbox crowd voters (crowd-001…) log in, obtain a token from every issuer of the demo election
 * and prepare a ballot, eight at a time.
 */
export async function prepareCrowdBallots(base: string, voters: number): Promise<PreparedBallot[]> {
  const { election, issuers } = await fetchElection(base, DEMO_ELECTION_ID);
  const prepared: PreparedBallot[] = [];
  const lists = ['list-1', 'list-2', 'list-3', 'list-4'];
  for (let i = 0; i < voters; i += 8) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(8, voters - i) }, async (_, j) => {
        const n = i + j + 1;
        const jar = new CookieJar();
        const res = await login(base, jar, `crowd-${String(n).padStart(3, '0')}`);
        if (res.status !== 303) throw new Error(`login crowd-${n} answered ${res.status}`);
        const { token, pseudonym } = await obtainBallotToken(base, election, DEMO_ELECTION_ID, issuers, (u, init) => go(jar, u, init));
        return prepareBallot(election, DEMO_ELECTION_ID, token, pseudonym, { council: [lists[n % 4]], 'car-free-centre': [n % 2 ? 'yes' : 'no'] });
      }),
    );
    prepared.push(...batch);
  }
  return prepared;
}
