/**
 * `evote demo tally`: for the demo only — the demo trustees (key files in <DATA_DIR>/demo-trustees/) each run
 * `evote trustee decrypt` until k shares are in. It closes nothing: the official closes the election first
 * (console or API, with step-up).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEMO_ELECTION_ID } from '../modules/eligibility/demo-election';
import { trusteeDecrypt } from './decrypt';
import { ApiClient } from './http';

export const demoTrusteeKeyFile = (dataDir: string, index: number): string => join(resolve(dataDir), 'demo-trustees', `trustee-${index}.key`);

export async function demoTally(o: { server: string; dataDir: string; electionId?: string; log?: (l: string) => void }): Promise<{ trustees: number[]; result: unknown }> {
  const log = o.log ?? (() => undefined);
  const electionId = o.electionId ?? DEMO_ELECTION_ID;
  const api = new ApiClient(o.server);
  const view = await api.get<{ threshold: number; status: string; result: unknown }>(`/elections/${electionId}/tally`);
  if (view.result) {
    log('the result is already on the board');
    return { trustees: [], result: view.result };
  }
  const done: number[] = [];
  let result: unknown = null;
  if (!existsSync(join(resolve(o.dataDir), 'demo-trustees'))) throw new Error(`no demo trustees in ${join(resolve(o.dataDir), 'demo-trustees')}`);
  for (let i = 1; i <= 255 && done.length < view.threshold; i++) {
    const keyPath = demoTrusteeKeyFile(o.dataDir, i);
    if (!existsSync(keyPath)) break;
    try {
      const r = await trusteeDecrypt({ server: o.server, electionId, keyPath, log: (l) => log(`trustee ${i}: ${l}`) });
      done.push(i);
      result = r.result;
    } catch (e) {
      log(`trustee ${i}: ${(e as Error).message}`);
    }
  }
  if (done.length < view.threshold) throw new Error(`only ${done.length} demo trustees could decrypt; ${view.threshold} are needed`);
  return { trustees: done, result };
}
