import { SANDBOX_IDENTITIES, sandboxIdentity } from '../../src/modules/sandbox-idp/identities';
import { BoardService } from '../../src/modules/board/board.service';
import { actionHash } from '../../src/modules/identity/step-up.service';
import { fetchElection } from '../../src/client/voter-client';
import type { ElectionIssuer } from '../../src/crypto/record/election-setup';
import type { Election } from '../../src/crypto/ballot';
import { electionDefinition } from './election-definitions';
import { completeKeyCeremony, makeTrustees, type TestTrustee } from './key-ceremony';
import { approveAtSandbox, CookieJar, go, login, type IdentityTestApp } from '../integration/identity/support';

/** A second platform official besides the fixture's (Ann Peeters): a Gent official, for "another election's official". */
export const OTHER_OFFICIAL = 'other-municipality';

/** App configuration making both the fixture's official and OTHER_OFFICIAL platform officials. */
export const twoOfficialsEnv = (): Record<string, string> => ({
  OFFICIAL_NATIONAL_NUMBERS: ['official', OTHER_OFFICIAL].map((key) => sandboxIdentity(key).nationalNumber).join(','),
});

export const json = (body: unknown, method = 'POST'): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Plays the official's step-up confirmation of `action` on `electionId` at the sandbox (as `identity`, the jar's person). */
export async function confirmAction(t: IdentityTestApp, jar: CookieJar, electionId: string, action: string, identity = 'official'): Promise<void> {
  const { message } = await (await fetch(`${t.url}/elections/${electionId}/action-message?action=${action}`)).json();
  const start = await go(jar, `${t.url}/auth/step-up`, json({ action: message, actionHash: actionHash(message), returnTo: '/' }));
  if (start.status !== 200) throw new Error(`step-up answered ${start.status}`);
  const { callbackUrl } = await approveAtSandbox(jar, (await start.json()).authorizationUrl, { identity, confirm: true });
  await go(jar, callbackUrl);
}

export interface OpenElection {
  id: string;
  view: Record<string, unknown> & { id: string; revoting: string };
  election: Election;
  trustees: TestTrustee[];
  official: CookieJar;
  /** This election's issuers as its board publishes them (checked by the voter's client). */
  issuers: readonly ElectionIssuer[];
}

/** How the trustees make the election key: their public keys (for the definition) and the ceremony itself. */
export interface CeremonyRunner {
  trustees: TestTrustee[];
  run(t: IdentityTestApp, electionId: string): Promise<void>;
}

/** The in-process stand-in for the trustees' own flow (no trustee-commitments on the board). */
function inProcessCeremony(): CeremonyRunner {
  const trustees = makeTrustees(3);
  return { trustees, run: (t, id) => completeKeyCeremony(t.db, t.app.get(BoardService), id, trustees) };
}

/**
 * An official creates an election (Leuven municipal, 3 trustees, k = 2), imports the sandbox identities'
 * roll, starts the key ceremony with step-up, has it run (by default the in-process stand-in), and
 * opens it with step-up.
 */
export async function openElection(t: IdentityTestApp, over: Record<string, unknown> = {}, ceremony: CeremonyRunner = inProcessCeremony()): Promise<OpenElection> {
  const official = new CookieJar();
  await login(t.url, official, 'official');
  const { trustees } = ceremony;
  const created = await go(official, `${t.url}/elections`, json(electionDefinition(trustees, over)));
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${await created.text()}`);
  const { id } = await created.json();
  const entries = SANDBOX_IDENTITIES.filter((i) => i.roll).map((i) => ({ nationalNumber: i.nationalNumber, constituency: i.roll!.constituency, basis: i.roll!.basis }));
  const roll = await go(official, `${t.url}/elections/${id}/roll`, json({ entries }, 'PUT'));
  if (roll.status !== 200) throw new Error(`roll answered ${roll.status}: ${await roll.text()}`);
  await confirmAction(t, official, id, 'start_key_ceremony');
  if ((await go(official, `${t.url}/elections/${id}/key-ceremony`, { method: 'POST' })).status !== 200) throw new Error('key ceremony did not start');
  await ceremony.run(t, id);
  await confirmAction(t, official, id, 'open');
  const opened = await go(official, `${t.url}/elections/${id}/open`, { method: 'POST' });
  if (opened.status !== 200) throw new Error(`open answered ${opened.status}: ${await opened.text()}`);
  const view = await (await fetch(`${t.url}/elections/${id}`)).json();
  const { election, issuers } = await fetchElection(t.url, id);
  return { id, view, election, trustees, official, issuers };
}

/** A logged-in voter's fetch (cookie jar) for the identified step, token issuance. */
export async function voterSession(t: IdentityTestApp, identity: string) {
  const jar = new CookieJar();
  const res = await login(t.url, jar, identity);
  if (res.status !== 303) throw new Error(`login of ${identity} answered ${res.status}`);
  return { jar, send: (url: string, init?: RequestInit) => go(jar, url, init) };
}
