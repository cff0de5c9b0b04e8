// Differential test of the record verifier's paths: one small honest tallied record (four voters, one
// re-vote, one audit followed by a cast) and a seeded corpus of mutations of it. Every mutation must be
// caught (the report is not ok), and the report must be the same, check by check (status, reason, every
// failure, count), whichever way it is computed: in memory without a cache; with a cache filled by this
// record, then read back; with a cache filled by the honest record (only the changed entries re-checked);
// on two worker threads with chunks of 2 submissions; streamed from the NDJSON file.
import { constants, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditBallot, auditedBallotToJSON, ballotHash, ballotToJSON, encryptBallot, manifestHash, resultFromTotals, tallyCiphertexts, tallyFromCiphertexts, tallyToJSON } from '../../src/crypto/ballot';
import { addCiphertextVectors, type Ciphertext } from '../../src/crypto/elgamal';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../src/crypto/encoding';
import { defaultGroup as group } from '../../src/crypto/group';
import { leafHash, treeRoot } from '../../src/crypto/record/merkle';
import { signTreeHead } from '../../src/crypto/record/tree-head';
import { type RecordVerification, verifyElectionRecord } from '../../src/crypto/record/verify-record';
import { combineDecryptionShares, computeDecryptionShare, decryptionShareToJSON } from '../../src/crypto/threshold/decryption';
import { electionKeySetFromJSON } from '../../src/crypto/threshold/dkg';
import { assembleBallotToken, prepareBallotToken } from '../../src/crypto/tokens/ballot-token';
import { generatePseudonymKeyPair, pseudonymPublicKey, signBallot } from '../../src/crypto/tokens/pseudonym';
import { verifyElectionRecordParallel } from '../../src/parallel/verify-parallel';
import { verifyRecordFile, writeNdjsonRecord } from '../../src/parallel/verify-stream';
import { createSyntheticElection, entryText, type SyntheticElectionSpec, syntheticElection, syntheticSetupEntries, syntheticSigners } from '../support/synthetic-record';

jest.setTimeout(180_000);

interface Rec {
  format: 'evote-election-record';
  version: 3;
  electionId: string;
  boardPublicKey: string;
  head: unknown;
  entries: string[];
}

/** Seeded PRNG (mulberry32): the corpus is the same on every run. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** The honest record: voters A, B (casts, re-votes), C (audits, then casts), D; revoting = last. */
function honestRecord(spec: SyntheticElectionSpec): Rec {
  const { manifest, election } = syntheticElection(spec);
  const id = spec.electionId;
  const issuerKeys = spec.issuers.map((i) => ({ id: i.id, key: createPrivateKey(i.privatePem) }));
  const voters = [0, 1, 2, 3].map((v) => {
    const kp = generatePseudonymKeyPair();
    const prepared = prepareBallotToken({ electionId: id, electionBaseHash: election.electionHash, pseudonym: kp.publicKey });
    const signatures = syntheticSigners(spec, v)
      .map((j) => issuerKeys[j])
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((k) => ({ issuerId: k.id, signature: new Uint8Array(sign('sha384', prepared.preparedMsg, { key: k.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 })) }));
    return { kp, token: assembleBallotToken({ electionId: id, pseudonym: kp.publicKey, prefix: prepared.prefix, signatures }) };
  });
  const submission = (v: number, counter: number, option: string, audit = false) => {
    const choices = { c: [option] };
    const { ballot, secrets } = encryptBallot(group, election, choices, voters[v].kp.publicKey);
    const signature = bytesToHex(signBallot(voters[v].kp.secretKey, id, counter, ballotHash(group, ballot)));
    const payload: Record<string, unknown> = { token: voters[v].token, ballot: ballotToJSON(group, ballot), counter, signature };
    if (audit) payload.reveal = auditedBallotToJSON(group, auditBallot(manifest, ballot, secrets, choices)).reveal;
    return { kind: audit ? 'audit' : 'ballot', payload, ciphertexts: tallyCiphertextsOf(ballot) };
  };
  const tallyCiphertextsOf = (b: ReturnType<typeof encryptBallot>['ballot']): Ciphertext[] => b.contests.flatMap((c) => c.selections.map((s) => s.ciphertext));

  const entries: string[] = [...syntheticSetupEntries(spec)];
  const add = (kind: string, payload: unknown) => entries.push(entryText(id, entries.length, kind, JSON.stringify(payload)));
  const keys = electionKeySetFromJSON(group, spec.keySet);
  for (const d of spec.dealings) add('trustee-commitments', { setupHash: spec.setupHash, dealing: d });
  add('election-key', { manifestHash: bytesToHex(manifestHash(group, manifest)), setupHash: spec.setupHash, keySet: spec.keySet, baseHash: bytesToHex(election.electionHash), qualified: [...keys.qualified], complaints: [], rollSize: spec.rollSize, witnesses: [] });
  add('open', { rollSize: spec.rollSize, scheduled: false });
  const subs = [submission(0, 1, 'a'), submission(1, 1, 'b'), submission(2, 1, 'c', true), submission(1, 2, 'c'), submission(2, 2, 'd'), submission(3, 1, 'a')];
  const counted: number[] = [];
  let sum: readonly Ciphertext[] | null = null;
  subs.forEach((s, i) => {
    const seq = entries.length;
    add(s.kind, s.payload);
    if ([0, 3, 4, 5].includes(i)) {
      counted.push(seq);
      sum = addCiphertextVectors(group, sum, s.ciphertexts);
    }
  });
  for (const [j, i] of spec.issuers.entries()) {
    const issued = [0, 1, 2, 3].filter((v) => syntheticSigners(spec, v).includes(j)).length;
    const hashes = Array.from({ length: issued }, () => randomBytes(32).toString('hex')).sort();
    add('issuance-log', { issuerId: i.id, count: hashes.length, blindedHashes: hashes });
  }
  add('close', { ballotsCast: 5, scheduled: false });
  const tallySeq = entries.length;
  const tally = tallyFromCiphertexts(manifest, sum!);
  add('tally', { aggregate: tallyToJSON(group, tally), counted, boardSize: tallySeq });
  const ciphertexts = tallyCiphertexts(tally);
  const shares = [1, 2].map((t) => computeDecryptionShare(group, election.electionHash, keys, t, group.scalarFromHex(spec.trusteeSecrets[t - 1]), ciphertexts));
  const shareSeqs: number[] = [];
  for (const s of shares) {
    shareSeqs.push(entries.length);
    add('decryption-share', { trustee: s.trustee, tallySeq, share: decryptionShareToJSON(group, s) });
  }
  const totals = [...combineDecryptionShares(group, election.electionHash, keys, ciphertexts, shares, { max: counted.length, babySteps: 3 }).results];
  add('result', { tallySeq, trustees: [1, 2], shareSeqs, totals, results: resultFromTotals(manifest, totals) });
  return signed(spec, entries);
}

/** The record of `entries` under a head the board key signed for them (a server rewriting its board). */
function signed(spec: SyntheticElectionSpec, entries: string[]): Rec {
  const root = bytesToHex(treeRoot(entries.map((e) => leafHash(utf8ToBytes(e)))));
  const head = signTreeHead({ electionId: spec.electionId, size: entries.length, root, timestamp: 1_790_000_040_000 }, hexToBytes(spec.boardSecretKey, 32));
  return { format: 'evote-election-record', version: 3, electionId: spec.electionId, boardPublicKey: bytesToHex(pseudonymPublicKey(hexToBytes(spec.boardSecretKey, 32))), head, entries };
}

/** The report without timings, for comparing paths. */
const comparable = (v: RecordVerification) => ({
  ok: v.ok,
  electionId: v.electionId,
  result: v.result,
  checks: v.checks.map((c) => ({ id: c.id, status: c.status, reason: c.reason, failures: c.failures, checked: c.checked })),
});

describe('the verifier paths agree on a corpus of mutated records, and every mutation is caught', () => {
  let spec: SyntheticElectionSpec;
  let honest: Rec;
  let honestCache: Map<string, unknown>;
  let dir: string;
  let files = 0;

  beforeAll(async () => {
    spec = await createSyntheticElection();
    honest = honestRecord(spec);
    honestCache = new Map();
    verifyElectionRecord(honest, { cache: honestCache });
    dir = mkdtempSync(join(tmpdir(), 'evote-differential-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const parse = (e: string) => JSON.parse(e);
  const positions = (kind: string) => honest.entries.flatMap((e, i) => (parse(e).kind === kind ? [i] : []));
  const tallyAt = () => positions('tally')[0];
  /** Rewrites the payload of the entry at `at` (canonically, as the server would). */
  const withPayload = (entries: string[], at: number, change: (p: any) => void) => {
    const e = parse(entries[at]);
    change(e.payload);
    return entries.map((x, i) => (i === at ? JSON.stringify(e) : x));
  };
  /** Entries rewritten as parsed objects and renumbered (their seq made right again). */
  const renumbered = (change: (es: any[]) => any[]) => change(honest.entries.map(parse)).map((e, seq) => JSON.stringify({ ...e, seq }));

  /** The corpus: name → mutated entries (the head is re-signed for them). */
  const corpus = (): Array<[string, string[]]> => {
    const rnd = prng(0x15_04);
    const es = () => [...honest.entries];
    const pick = (xs: number[]) => xs[rnd(xs.length)];
    const ballots = positions('ballot');
    const audits = positions('audit');
    const counted: number[] = parse(honest.entries[tallyAt()]).payload.counted;
    const superseded = ballots.filter((s) => !counted.includes(s));
    const submissions = [...ballots, ...audits].sort((a, b) => a - b);
    const hexFlip = (text: string): string => {
      const from = text.indexOf('"ballot":{');
      const hex = [...text.slice(from)].flatMap((ch, i) => (/[0-9a-f]/.test(ch) && /[0-9a-f]{16}/.test(text.slice(from + i - 8, from + i + 8)) ? [from + i] : []));
      const at = pick(hex);
      const ch = text[at];
      return text.slice(0, at) + '0123456789abcdef'[('0123456789abcdef'.indexOf(ch) + 1 + rnd(15)) % 16] + text.slice(at + 1);
    };
    const at = (xs: string[], i: number, text: string) => xs.map((x, j) => (j === i ? text : x));
    const out: Array<[string, string[]]> = [];
    { const e = es(); e.splice(pick(submissions), 1); out.push(['drop an entry', e]); }
    { const e = es(); const i = pick(counted); e.splice(i + 1, 0, e[i]); out.push(['duplicate a counted ballot entry (same text at two positions)', e]); }
    { const e = es(); const i = pick(superseded); e.splice(i + 1, 0, e[i]); out.push(['duplicate a superseded ballot entry', e]); }
    { const e = es(); const i = pick(submissions.slice(0, -1)); [e[i], e[i + 1]] = [e[i + 1], e[i]]; out.push(['swap two entries', e]); }
    { const e = es(); const i = pick(counted); out.push(['a second entry claiming a ballot\'s seq', at(e, i + 1, e[i + 1].replace(/"seq":\d+/, `"seq":${i}`))]); }
    { const e = es(); const i = pick(ballots); out.push(['flip a byte in a ballot payload', at(e, i, hexFlip(e[i]))]); }
    { const e = es(); const i = pick(ballots); out.push(['duplicate a JSON key (JSON.parse keeps the last)', at(e, i, e[i].replace(/"counter":(\d+)/, '"counter":7,"counter":$1'))]); }
    { const e = es(); out.push(['an unknown member in a ballot payload', withPayload(e, pick(ballots), (p) => (p.note = 'x'))]); }
    { const e = es(); out.push(['an unknown member in the close payload', withPayload(e, positions('close')[0], (p) => (p.note = 'x'))]); }
    { const e = es(); const i = rnd(e.length); out.push(['whitespace inside an entry', at(e, i, e[i].replace('{"v":1,', '{"v": 1,'))]); }
    { const e = es(); out.push(['a non-minimal escape', at(e, 0, e[0].replace('"title":"Synthetic', '"title":"\\u0053ynthetic'))]); }
    { const e = es(); e.splice(pick(submissions), 0, ''); out.push(['a blank line between entries', e]); }
    { const e = es(); out.push(['a counted seq listed twice', withPayload(e, tallyAt(), (p) => p.counted.splice(1, 0, p.counted[1]))]); }
    { const e = es(); out.push(['a counted seq removed', withPayload(e, tallyAt(), (p) => p.counted.splice(rnd(p.counted.length), 1))]); }
    { const e = es(); out.push(['a counted seq pointing at an audit', withPayload(e, tallyAt(), (p) => (p.counted = [...p.counted.slice(0, -1), audits[0]].sort((a: number, b: number) => a - b)))]); }
    {
      const [first, second] = superseded.length ? [superseded[0], ballots.find((s) => s > superseded[0] && parse(honest.entries[s]).payload.token.pseudonym === parse(honest.entries[superseded[0]]).payload.token.pseudonym)!] : [0, 0];
      out.push(["a pseudonym's two ballots reordered", renumbered((xs) => xs.map((x, i) => (i === first ? xs[second] : i === second ? xs[first] : x)))]);
    }
    {
      const close = positions('close')[0];
      out.push(['a replayed ballot entry (appended again before the close)', renumbered((xs) => [...xs.slice(0, close), xs[pick(ballots)], ...xs.slice(close)])]);
    }
    { const e = es(); out.push(['a result total changed', withPayload(e, positions('result')[0], (p) => { p.totals[0] += 1; p.results.c.a += 1; })]); }
    { const e = es(); out.push(['the record truncated (re-signed)', e.slice(0, e.length - 2)]); }
    // Its framing prefix intact, so the stream sends the broken line to the workers as a submission.
    { const e = es(); const i = pick(counted); out.push(['a counted ballot entry cut in half', at(e, i, e[i].slice(0, 200))]); }
    return out;
  };

  it('the honest record passes every check on every path', async () => {
    const mem = comparable(verifyElectionRecord(honest));
    expect(mem.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(comparable(await verifyElectionRecordParallel(honest, { workers: 2, chunkSize: 2 }))).toEqual(mem);
    expect(comparable(await verifyRecordFile(await toFile(honest), { workers: 2, chunkSize: 2 }))).toEqual(mem);
  });

  it("a submission's token not in its canonical form (members reordered, signatures unsorted) fails check 6, the entry text being canonical", () => {
    const at = positions('ballot')[0];
    const variants = [
      (t: any) => ({ pseudonym: t.pseudonym, v: t.v, electionId: t.electionId, prefix: t.prefix, signatures: t.signatures }),
      (t: any) => ({ ...t, signatures: [...t.signatures].reverse() }),
    ];
    for (const change of variants) {
      const v = verifyElectionRecord(signed(spec, withPayload([...honest.entries], at, (p) => (p.token = change(p.token)))));
      expect(v.checks.find((c) => c.id === '1')?.status).toBe('pass');
      expect(v.checks.find((c) => c.id === '6')).toMatchObject({ status: 'fail', reason: `entry ${at}: token not in canonical form (members in order, signatures sorted by issuer without duplicates; §20)` });
    }
  });

  const toFile = async (r: Rec) => {
    const file = join(dir, `record-${files++}.ndjson`);
    const out = createWriteStream(file);
    await writeNdjsonRecord(out, r);
    await new Promise<void>((resolve) => out.end(resolve));
    return file;
  };

  it('every mutation: the same report on every path, and not ok', async () => {
    const differing: string[] = [];
    const uncaught: string[] = [];
    for (const [name, entries] of corpus()) {
      const r = signed(spec, entries);
      // The worker paths start first: their threads boot while this one runs the in-memory paths.
      const file = await toFile(r);
      const parallel = verifyElectionRecordParallel(r, { workers: 2, chunkSize: 2 });
      const streamed = verifyRecordFile(file, { workers: 2, chunkSize: 2 });
      const reference = comparable(verifyElectionRecord(r));
      if (reference.ok) uncaught.push(name);
      const cache = new Map<string, unknown>();
      const got: Array<[string, RecordVerification]> = [
        ['cache (fill)', verifyElectionRecord(r, { cache })],
        ['cache (read back)', verifyElectionRecord(r, { cache })],
        ['cache of the honest record', verifyElectionRecord(r, { cache: new Map(honestCache) })],
        ['parallel', await parallel],
        ['stream', await streamed],
      ];
      for (const [path, v] of got) {
        const c = comparable(v);
        if (JSON.stringify(c) === JSON.stringify(reference)) continue;
        const diff = c.checks.filter((x, i) => JSON.stringify(x) !== JSON.stringify(reference.checks[i])).map((x) => {
          const ref = reference.checks.find((y) => y.id === x.id);
          return `check ${x.id}: ${x.status} ${x.reason ?? ''} ≠ ${ref?.status} ${ref?.reason ?? ''}`;
        });
        differing.push(`${name} / ${path}: ${diff.join(' | ') || 'ok or result differ'}`);
      }
    }
    expect(differing).toEqual([]);
    expect(uncaught).toEqual([]);
  });
});
