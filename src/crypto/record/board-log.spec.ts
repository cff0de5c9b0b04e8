// Strict parsing of board entries (docs/protocol.md §50, §70.1): canonical text and each kind's payload members.
import { checkEntryFraming, ENTRY_PAYLOAD_MEMBERS } from './board-log';

const id = '6f1c2b3a-0000-4000-8000-000000000001';
const entry = (seq: number, kind: string, payload: unknown) => JSON.stringify({ v: 1, electionId: id, seq, kind, payload });
const failures = (text: string, seq = 0) => checkEntryFraming(id, text, seq).failures;
const CANONICAL = 'not in canonical form (whitespace, duplicate or reordered members, or non-minimal escapes; §50)';

describe('checkEntryFraming: strict entries', () => {
  it('accepts what the server writes (JSON.stringify of an object), integer-like ids and escapes included', () => {
    expect(failures(entry(0, 'close', { ballotsCast: 3, scheduled: false }))).toEqual([]);
    // Manifest ids may be integer-like ("2", "10"): JS puts such keys first, in the server's text as after a parse.
    const results = { b: { '10': 1, x: 0, '2': 4 }, '7': { a: 1 } };
    const text = entry(0, 'result', { tallySeq: 5, trustees: [1], shareSeqs: [4], totals: [1, 0, 4, 1], results });
    expect(text).toContain('"results":{"7":{"a":1},"b":{"2":4,"10":1,"x":0}}');
    expect(failures(text)).toEqual([]);
    expect(failures(entry(0, 'open', { rollSize: 1, scheduled: 'quote " backslash \\ control \u0001 lone \ud800 é' } as never))).toEqual([]);
  });

  it.each([
    ['whitespace', (t: string) => t.replace('"v":1,', '"v": 1,')],
    ['a trailing newline', (t: string) => `${t}\n`],
    ['a duplicate member (JSON.parse keeps the last)', (t: string) => t.replace('"ballotsCast":3', '"ballotsCast":4,"ballotsCast":3')],
    ['a non-minimal escape', (t: string) => t.replace('"close"', '"\\u0063lose"')],
    ['an escaped slash', (t: string) => t.replace('"payload"', '"pay\\/load"')],
    ['integer-like members out of JS order', () => `{"v":1,"electionId":"${id}","seq":0,"kind":"result","payload":{"tallySeq":5,"trustees":[1],"shareSeqs":[4],"totals":[1],"results":{"b":{"x":0,"2":4}}}}`],
  ])('rejects %s', (_, change) => {
    const text = change(entry(0, 'close', { ballotsCast: 3, scheduled: false }));
    expect(failures(text)).toContain(`entry 0: ${CANONICAL}`);
  });

  it('every kind has exactly its payload members; nested objects no parser reads too', () => {
    for (const [kind, members] of Object.entries(ENTRY_PAYLOAD_MEMBERS)) {
      const payload = Object.fromEntries(members.map((m) => [m, m === 'parameters' ? { kind: 'x', electionDay: 'x', constituency: null, revoting: 'last', trusteeThreshold: 1, trustees: [], opensAt: null, closesAt: null } : m === 'issuers' || m === 'complaints' ? [] : 0]));
      expect(failures(entry(0, kind, payload))).toEqual([]);
      expect(failures(entry(0, kind, { ...payload, extra: 1 }))).toEqual([`entry 0 (${kind}): payload: unknown member extra (§70.1)`]);
      const { [members[0]]: _dropped, ...less } = payload;
      expect(failures(entry(0, kind, less))).toEqual([`entry 0 (${kind}): payload: missing member ${members[0]} (§70.1)`]);
    }
    expect(failures(entry(0, 'open', [1]))).toEqual(['entry 0 (open): payload must be an object with members rollSize, scheduled (§70.1)']);
    expect(failures(entry(0, 'issuer-keys', { threshold: 1, issuers: [{ id: 'a', publicKey: {}, note: 1 }] }))).toEqual(['entry 0 (issuer-keys): payload.issuers[0]: unknown member note (§70.1)']);
    const parameters = { kind: 'x', electionDay: 'x', constituency: null, revoting: 'last', trusteeThreshold: 1, trustees: [{ index: 1, name: 'T' }], opensAt: null, closesAt: null };
    expect(failures(entry(0, 'manifest', { manifest: {}, manifestHash: '', parameters }))).toEqual(['entry 0 (manifest): payload.parameters.trustees[0]: missing member publicKey (§70.1)']);
    expect(failures(entry(0, 'election-key', { manifestHash: '', setupHash: '', keySet: {}, baseHash: '', qualified: [], complaints: [{ trustee: 1, dealer: 2, verdict: 'complaint', complaint: {}, judgment: 'x' }], rollSize: 0, witnesses: [] }))).toEqual([
      'entry 0 (election-key): payload.complaints[0]: missing member reason (§70.1)',
    ]);
  });
});
