/**
 * A whole election over HTTP for the tally and verifier tests: an official creates it with three trustees
 * (k = 2) whose key ceremony is the real trustee program (src/cli/trustee.ts, signed requests), opens it,
 * the sandbox crowd voters crowd-001… vote (some audit first, some vote again), the official closes it,
 * and then only the trustees named decrypt (`evote trustee decrypt`'s function).
 */
import { auditBody, obtainBallotToken, prepareBallot } from '../../src/client/voter-client';
import { trusteeCeremony } from '../../src/cli/trustee';
import { trusteeDecrypt } from '../../src/cli/decrypt';
import type { Election } from '../../src/crypto/ballot';
import type { CastAnswer } from '../../src/crypto/record/receipt-file';
import { type CookieJar, go, type IdentityTestApp } from '../integration/identity/support';
import { makeTrusteeKeys } from '../integration/key-ceremony.helpers';
import { confirmAction, openElection, voterSession } from './scenario';

export const COUNCIL = ['list-a', 'list-b', 'list-c'];

export interface ClosedElection {
  id: string;
  election: Election;
  official: CookieJar;
  keyPaths: string[];
  keyDir: string;
  /** What each counted ballot says: council → option → count, referendum likewise. */
  expected: Record<string, Record<string, number>>;
  audits: number;
  cast: number;
  /** Each cast's answer (its receipt, §55.7), by crowd voter number, in casting order. */
  answers: Array<{ voter: number; answer: CastAnswer }>;
}

/** Creates, runs the real key ceremony, opens; `voters` crowd voters vote; closes. */
export async function closedElection(t: IdentityTestApp, voters: number, over: Record<string, unknown> = {}): Promise<ClosedElection> {
  const keys = makeTrusteeKeys(3);
  const { id, official, issuers, election } = await openElection(t, over, {
    trustees: keys.publicKeys.map((publicKey, i) => ({ index: i + 1, publicKey, secretKey: 0n })),
    run: async (app, electionId) => {
      await Promise.all(keys.paths.map((keyPath) => trusteeCeremony({ server: app.url, electionId, keyPath, pollMs: 25, timeoutMs: 60_000 })));
    },
  });

  const expected: Record<string, Record<string, number>> = { council: { 'list-a': 0, 'list-b': 0, 'list-c': 0 }, referendum: { yes: 0, no: 0 } };
  const last = new Map<number, { council: string[]; referendum: string[] }>();
  let audits = 0;
  let cast = 0;
  const answers: ClosedElection['answers'] = [];
  const post = (path: string, body: unknown) => fetch(`${t.url}/elections/${id}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  for (let i = 1; i <= voters; i++) {
    const v = await voterSession(t, `crowd-${String(i).padStart(3, '0')}`);
    const { token, pseudonym } = await obtainBallotToken(t.url, election, id, issuers, v.send);
    if (i % 10 === 3) {
      const a = prepareBallot(election, id, token, pseudonym, { council: [COUNCIL[(i + 2) % 3]], referendum: ['yes'] });
      const res = await post('audits', auditBody(election, a));
      if (res.status !== 201) throw new Error(`audit answered ${res.status}`);
      audits++;
    }
    // Every 7th voter leaves the council contest blank (allowed).
    const choices = { council: i % 7 === 0 ? [] : [COUNCIL[i % 3]], referendum: [i % 2 ? 'yes' : 'no'] };
    const res = await post('ballots', prepareBallot(election, id, token, pseudonym, choices).castBody);
    if (res.status !== 201) throw new Error(`cast answered ${res.status}: ${await res.text()}`);
    answers.push({ voter: i, answer: (await res.json()) as CastAnswer });
    cast++;
    last.set(i, choices);
    if (i % 10 === 7) {
      const again = { council: [COUNCIL[(i + 1) % 3]], referendum: ['no'] };
      const r2 = await post('ballots', prepareBallot(election, id, token, pseudonym, again).castBody);
      if (r2.status !== 201) throw new Error(`re-vote answered ${r2.status}`);
      answers.push({ voter: i, answer: (await r2.json()) as CastAnswer });
      cast++;
      last.set(i, again);
    }
  }
  for (const c of last.values()) {
    for (const o of c.council) expected.council[o]++;
    for (const o of c.referendum) expected.referendum[o]++;
  }
  await confirmAction(t, official, id, 'close');
  const closed = await go(official, `${t.url}/elections/${id}/close`, { method: 'POST' });
  if (closed.status !== 200) throw new Error(`close answered ${closed.status}: ${await closed.text()}`);
  return { id, election, official, keyPaths: keys.paths, keyDir: keys.dir, expected, audits, cast, answers };
}

/** Trustees (1-based) run `evote trustee decrypt`'s function, in order. */
export async function decryptWith(t: IdentityTestApp, e: ClosedElection, trustees: number[]) {
  const results = [];
  for (const l of trustees) results.push(await trusteeDecrypt({ server: t.url, electionId: e.id, keyPath: e.keyPaths[l - 1] }));
  return results;
}
