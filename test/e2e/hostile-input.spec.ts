import fc from 'fast-check';
import { obtainBallotToken, prepareBallot, type PreparedBallot } from '../../src/client/voter-client';
import { ballotFromJSON, ballotHash } from '../../src/crypto/ballot';
import { bytesToHex } from '../../src/crypto/encoding';
import { defaultGroup as g } from '../../src/crypto/group';
import { signBallot, type PseudonymKeyPair } from '../../src/crypto/tokens/pseudonym';
import { describeEachBackend } from '../support/databases';
import { openElection, voterSession, type OpenElection } from '../support/scenario';
import { CookieJar, go, login, startIdentityApp, type IdentityTestApp } from '../integration/identity/support';

/**
 * Hostile input (issue 9): fast-check fuzzing of every endpoint's body and parameters, and targeted
 * cryptographic garbage in otherwise valid ballots. Every answer is a 4xx in the error shape
 * `{error, message, details?}` (never a 500, never a hang), and nothing changes: the board keeps its size.
 */
const RUNS = 20;
const L = (1n << 252n) + 27742317777372353535851937790883648493n; // the ristretto255 group order ℓ
const le = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex').reverse().toString('hex');
/** 32-byte hex values no honest encoder produces: non-canonical, off-curve, identity, scalars ≥ ℓ. */
const HOSTILE_HEX = [
  'ff'.repeat(32), // non-canonical field element / scalar ≥ ℓ
  '00'.repeat(32), // the identity element / the zero scalar
  le(L), // ℓ itself
  le(L + 1n),
  le((1n << 255n) - 19n), // p: a non-canonical field element
  'ed' + 'ff'.repeat(30) + '7f', // p - 1 ... with the sign bit: non-canonical
  '01' + '00'.repeat(31), // not a valid ristretto encoding (negative / off-curve)
  'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76', // the ristretto255 basepoint (valid point, wrong place)
  'AB'.repeat(32), // upper-case hex
  'ab'.repeat(31), // too short
  'ab'.repeat(33), // too long
];

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 40 }),
    fc.constantFrom(...HOSTILE_HEX),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** Raw request bodies: JSON of the wrong type, huge, deeply nested, broken, or not UTF-8. */
const rawBody = fc.oneof(
  jsonValue.map((v) => JSON.stringify(v) ?? 'null'),
  fc.constantFrom(
    '',
    '{',
    '{"a":',
    'null',
    '[]',
    '"string"',
    '12345678901234567890123456789',
    '['.repeat(5000) + ']'.repeat(5000),
    '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
    JSON.stringify({ a: 'x'.repeat(300_000) }),
    JSON.stringify(Array.from({ length: 40_000 }, () => 0)),
    JSON.stringify({ __proto__: { admin: true }, constructor: { prototype: { x: 1 } } }),
  ),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(b), Buffer.from('"}')])),
);

/** Path parameters: wrong types, huge, traversal, encodings that do not decode. */
const pathParam = fc.oneof(
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.constantFrom('0', '-1', '1e309', 'NaN', '00000000-0000-0000-0000-000000000000', '..%2F..%2Fetc%2Fpasswd', '%ff', '%', '%c0%af', 'x'.repeat(5000), '9'.repeat(400)),
  fc.uuid().filter(() => true),
);

describeEachBackend(
  'hostile input: every endpoint answers 4xx in the error shape, never 500, and changes nothing',
  (db) => {
    let t: IdentityTestApp;
    let e: OpenElection;
    let other: OpenElection;
    let official: CookieJar;
    let voter: CookieJar;
    let operations: Array<{ method: string; path: string }> = [];
    let valid: PreparedBallot;
    let pseudonym: PseudonymKeyPair;
    let boardSizeBefore: number;
    const boardSize = async (id: string) => (await (await fetch(`${t.url}/elections/${id}/board/head`)).json()).size as number;

    beforeAll(async () => {
      t = await startIdentityApp(db(), { RATE_LIMIT_CAST_PER_MINUTE: '0', RATE_LIMIT_TOKENS_PER_MINUTE: '0', RATE_LIMIT_LOGIN_PER_MINUTE: '0' });
      e = await openElection(t);
      other = await openElection(t, { slug: 'hostile-other' });
      official = e.official;
      voter = new CookieJar();
      await login(t.url, voter, 'eighteen-on-day');
      const v = await voterSession(t, 'voter');
      const obtained = await obtainBallotToken(t.url, e.election, e.id, e.issuers, v.send);
      pseudonym = obtained.pseudonym;
      valid = prepareBallot(e.election, e.id, obtained.token, pseudonym, { council: ['list-b'], referendum: ['yes'] });
      const doc = await (await fetch(`${t.url}/api/docs-json`)).json();
      for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
        for (const method of Object.keys(item)) if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) operations.push({ method: method.toUpperCase(), path });
      }
      // Logout would end the sessions the fuzzing uses; the sandbox provider is not part of the platform.
      operations = operations.filter((o) => o.path !== '/auth/logout' && !o.path.startsWith('/sandbox-idp'));
      boardSizeBefore = await boardSize(e.id);
    }, 180_000);
    afterAll(() => t?.close());

    async function send(method: string, path: string, body?: string | Buffer, jar?: CookieJar) {
      const started = Date.now();
      const res = await go(jar ?? new CookieJar(), `${t.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body as BodyInit | undefined,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      return { status: res.status, text, ms: Date.now() - started };
    }

    function expectErrorShape(r: { status: number; text: string }, what: string) {
      expect({ what, status: r.status, is4xx: r.status >= 400 && r.status < 500 }).toEqual({ what, status: r.status, is4xx: true });
      // Node's HTTP parser itself answers an oversized request line/headers (431/414) before the app, without a body.
      if ((r.status === 431 || r.status === 414) && r.text === '') return;
      const body = JSON.parse(r.text);
      expect(typeof body.error).toBe('string');
      expect(typeof body.message).toBe('string');
      expect(Object.keys(body).every((k) => ['error', 'message', 'details'].includes(k))).toBe(true);
      if (body.details !== undefined) expect(Array.isArray(body.details)).toBe(true);
    }

    it('state-changing endpoints: random bodies and parameters, as anonymous, voter and official', async () => {
      const mutating = operations.filter((o) => o.method !== 'GET');
      expect(mutating.length).toBeGreaterThan(10);
      const fixed = ['['.repeat(5000) + ']'.repeat(5000), '{"token":' + '{"a":'.repeat(3000) + '1' + '}'.repeat(3001), '{', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), JSON.stringify({ a: 'x'.repeat(300_000) })];
      for (const op of mutating) {
        // Deterministic: deep nesting (once a stack overflow and a 500), broken JSON, invalid UTF-8, too large.
        for (const body of fixed) {
          const path = op.path.replace(/\{[^}]+\}/g, e.id);
          expectErrorShape(await send(op.method, path, body, official.clone()), `${op.method} ${path} fixed body ${String(body).slice(0, 10)}`);
        }
        await fc.assert(
          fc.asyncProperty(rawBody, fc.constantFrom<'anonymous' | 'voter' | 'official'>('anonymous', 'voter', 'official'), fc.boolean(), pathParam, async (body, who, realId, param) => {
            const path = op.path.replace(/\{[^}]+\}/g, () => (realId ? e.id : param));
            const jar = who === 'anonymous' ? undefined : (who === 'voter' ? voter : official).clone();
            const r = await send(op.method, path, body, jar);
            expect(r.ms).toBeLessThan(10_000);
            expectErrorShape(r, `${op.method} ${path.slice(0, 120)} as ${who}`);
          }),
          { numRuns: RUNS },
        );
      }
    }, 180_000);

    it('read endpoints: random parameters and query strings never give a 500', async () => {
      for (const op of operations.filter((o) => o.method === 'GET')) {
        await fc.assert(
          fc.asyncProperty(pathParam, fc.string({ maxLength: 20 }), fc.boolean(), async (param, query, realId) => {
            const path = op.path.replace(/\{[^}]+\}/g, (m) => (realId && /id/i.test(m) ? e.id : param));
            const r = await send('GET', `${path}?${encodeURIComponent(query)}=${param}&size=${param}&from=${param}&to=${param}&action=${param}`);
            expect({ path: path.slice(0, 120), status: r.status }).toEqual({ path: path.slice(0, 120), status: expect.any(Number) });
            expect(r.status).toBeLessThan(500);
            if (r.status >= 400) expectErrorShape(r, `GET ${path.slice(0, 120)}`);
          }),
          { numRuns: RUNS },
        );
      }
    }, 180_000);

    it('casting: a valid ballot with one field replaced by hostile bytes (non-canonical, off-curve, identity, ≥ ℓ) is refused', async () => {
      const ballot = valid.castBody.ballot as Record<string, unknown>;
      // Every path to a hex string in the ballot JSON.
      const paths: Array<Array<string | number>> = [];
      const walk = (v: unknown, p: Array<string | number>) => {
        if (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)) paths.push(p);
        else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
      };
      walk(ballot, []);
      expect(paths.length).toBeGreaterThan(20);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...paths), fc.constantFrom(...HOSTILE_HEX), fc.boolean(), async (path, hostile, resign) => {
          const copy = structuredClone(ballot) as Record<string, unknown>;
          let node = copy as Record<string | number, unknown>;
          for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
          node[path[path.length - 1]] = hostile;
          let signature = valid.castBody.signature;
          if (resign) {
            // The attacker holds a real token: re-sign the hostile ballot when it still parses.
            try {
              signature = bytesToHex(signBallot(pseudonym.secretKey, e.id, valid.castBody.counter, ballotHash(g, ballotFromJSON(g, e.election.manifest, copy))));
            } catch {
              // does not even parse: the server must say so
            }
          }
          const r = await send('POST', `/elections/${e.id}/ballots`, JSON.stringify({ ...valid.castBody, ballot: copy, signature }));
          expectErrorShape(r, `ballot.${path.join('.')} = ${hostile.slice(0, 8)}…`);
        }),
        { numRuns: 60 },
      );
      for (const hostile of HOSTILE_HEX) {
        const token = { ...(valid.castBody.token as unknown as Record<string, unknown>), pseudonym: hostile };
        expectErrorShape(await send('POST', `/elections/${e.id}/ballots`, JSON.stringify({ ...valid.castBody, token })), `token.pseudonym = ${hostile.slice(0, 8)}`);
      }
    }, 120_000);

    it('casting: proofs and tokens from another election are refused', async () => {
      // A ballot prepared for the other election (same manifest), with this election's hash put in, re-signed.
      const v = await voterSession(t, 'eighteen-day-before');
      const foreign = await obtainBallotToken(t.url, other.election, other.id, other.issuers, v.send);
      const theirs = prepareBallot(other.election, other.id, foreign.token, pseudonym, { council: ['list-a'], referendum: ['no'] });
      const moved = { ...(theirs.castBody.ballot as Record<string, unknown>), electionHash: (valid.castBody.ballot as { electionHash: string }).electionHash };
      let signature = valid.castBody.signature;
      try {
        signature = bytesToHex(signBallot(pseudonym.secretKey, e.id, valid.castBody.counter, ballotHash(g, ballotFromJSON(g, e.election.manifest, moved))));
      } catch {
        // parsing refused: fine, the server must refuse too
      }
      const proofsFromElsewhere = await send('POST', `/elections/${e.id}/ballots`, JSON.stringify({ ...valid.castBody, ballot: moved, signature }));
      expectErrorShape(proofsFromElsewhere, 'proofs of another election');
      // Their token and ballot, sent here.
      expectErrorShape(await send('POST', `/elections/${e.id}/ballots`, JSON.stringify(theirs.castBody)), 'token of another election');
      // Our token with their ballot (bound to another election hash).
      expectErrorShape(await send('POST', `/elections/${e.id}/ballots`, JSON.stringify({ ...valid.castBody, ballot: theirs.castBody.ballot })), 'ballot of another election');
      expect(await boardSize(other.id)).toBe(await boardSize(other.id));
    }, 60_000);

    it('nothing changed: the board has the size it had before the hostile requests', async () => {
      expect(await boardSize(e.id)).toBe(boardSizeBefore);
      // And the valid ballot still goes through afterwards (the platform is not wedged).
      const r = await send('POST', `/elections/${e.id}/ballots`, JSON.stringify(valid.castBody));
      expect(r.status).toBe(201);
    }, 30_000);
  },
  ['pglite'],
);
