// Check 16 from the attacker's side: a dishonest server holds the board key and publishes a record that
// passes checks 1–15 on its own, but voters kept receipts and observers kept heads. Each forgery must be
// caught by what they hold, with the evidence printed, on every verifier path (in memory, worker threads,
// streamed NDJSON) and through `evote verify --receipt --heads`.
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregateBallots, ballotFromJSON, ballotHash, trackingCode } from '../../src/crypto/ballot';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../src/crypto/encoding';
import { defaultGroup as group } from '../../src/crypto/group';
import { inclusionProof, leafHash, treeRoot } from '../../src/crypto/record/merkle';
import { type ReceiptFile, receiptFile } from '../../src/crypto/record/receipt-file';
import { type SignedTreeHead, signTreeHead } from '../../src/crypto/record/tree-head';
import { type RecordVerification, verifyElectionRecord, type VerifyRecordOptions } from '../../src/crypto/record/verify-record';
import { verifyCommand } from '../../src/cli/verify';
import { verifyElectionRecordParallel } from '../../src/parallel/verify-parallel';
import { verifyRecordFile, writeNdjsonRecord } from '../../src/parallel/verify-stream';
import { assembleSyntheticRecord, createSyntheticElection, type SyntheticElectionSpec, type SyntheticRecord, syntheticBallotPayloads, syntheticElection } from '../support/synthetic-record';

jest.setTimeout(240_000);

const MINUTE = 1_790_000_040_000;
const sumBallots = async (m: Parameters<typeof ballotFromJSON>[1], entries: readonly string[]) => aggregateBallots(group, m, entries.map((e) => ballotFromJSON(group, m, JSON.parse(e).payload.ballot)));

/** The head the board signed when it had `size` entries of `entries`. */
function headOf(spec: SyntheticElectionSpec, entries: readonly string[], size: number): SignedTreeHead {
  const root = bytesToHex(treeRoot(entries.slice(0, size).map((t) => leafHash(utf8ToBytes(t)))));
  return signTreeHead({ electionId: spec.electionId, size, root, timestamp: MINUTE }, hexToBytes(spec.boardSecretKey, 32));
}

/** The receipt the voter's device kept for the ballot at `seq` (as the booth builds it from the cast answer). */
function receiptFor(spec: SyntheticElectionSpec, record: SyntheticRecord, seq: number): ReceiptFile {
  const entries = record.entries;
  const { election, manifest } = syntheticElection(spec);
  const hash = ballotHash(group, ballotFromJSON(group, manifest, JSON.parse(entries[seq]).payload.ballot));
  const leaves = entries.slice(0, seq + 1).map((t) => leafHash(utf8ToBytes(t)));
  return receiptFile(
    {
      trackingCode: trackingCode(hash),
      ballotHash: bytesToHex(hash),
      audited: false,
      seq,
      entry: entries[seq],
      leafHash: bytesToHex(leaves[seq]),
      head: headOf(spec, entries, seq + 1),
      path: inclusionProof(leaves, seq).map(bytesToHex),
    },
    { electionId: spec.electionId, fingerprint: bytesToHex(election.electionHash), boardPublicKey: record.boardPublicKey },
  );
}

const firstBallot = (r: SyntheticRecord) => r.entries.findIndex((e) => e.includes('"kind":"ballot"'));
const check16 = (v: RecordVerification) => v.checks.find((c) => c.id === '16');
const strip = (v: RecordVerification) => ({ ...v, checks: v.checks.map(({ ms: _ms, ...c }) => c) });

describe('check 16: receipts and heads held against the record (attacks by the server)', () => {
  let spec: SyntheticElectionSpec;
  let record: SyntheticRecord;
  let payloads: string[];
  let dir: string;

  beforeAll(async () => {
    spec = await createSyntheticElection();
    payloads = syntheticBallotPayloads(spec, 0, 4);
    ({ record } = await assembleSyntheticRecord(spec, payloads, sumBallots));
    dir = mkdtempSync(join(tmpdir(), 'evote-held-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The same report on every path: in memory, on two workers, streamed from NDJSON. */
  async function everyPath(r: SyntheticRecord, options: Pick<VerifyRecordOptions, 'receipts' | 'heads'>): Promise<RecordVerification> {
    const memory = verifyElectionRecord(r, options);
    const parallel = await verifyElectionRecordParallel(r, { ...options, workers: 2, chunkSize: 1 });
    const file = join(dir, `${crypto.randomUUID()}.ndjson`);
    const out = createWriteStream(file);
    await writeNdjsonRecord(out, r);
    await new Promise<void>((done) => out.end(done));
    const streamed = await verifyRecordFile(file, { ...options, workers: 2, chunkSize: 1 });
    expect(strip(parallel)).toEqual(strip(memory));
    expect(strip(streamed)).toEqual(strip(memory));
    return memory;
  }

  it('honest: every receipt is on the record and counted, every kept head is a prefix; check 16 appears only when something is held', async () => {
    const s = firstBallot(record);
    const v = await everyPath(record, { receipts: [receiptFor(spec, record, s), receiptFor(spec, record, s + 2)], heads: [headOf(spec, record.entries, 3), record.head] });
    expect(v.ok).toBe(true);
    expect(check16(v)).toMatchObject({ status: 'pass', checked: 4 });
    expect(v.receipts?.map((r) => r.count)).toEqual([{ status: 'counted' }, { status: 'counted' }]);
    expect(verifyElectionRecord(record).checks.map((c) => c.id)).not.toContain('16');
  });

  it('attack: the server drops a ballot and publishes another history under the real board key: the receipt holder catches it, with the signed head as evidence', async () => {
    const s = firstBallot(record);
    const kept = receiptFor(spec, record, s + 3);
    // The same election without the last voter's ballot: checks 1–15 pass (the server signs it with its real key).
    const { record: fork } = await assembleSyntheticRecord(spec, payloads.slice(0, -1), sumBallots);
    const alone = verifyElectionRecord(fork);
    expect(alone.ok).toBe(true);
    const v = await everyPath(fork, { receipts: [kept] });
    expect(v.ok).toBe(false);
    expect(check16(v)?.status).toBe('fail');
    expect(check16(v)?.reason).toMatch(/the record's first \d+ entries hash to [0-9a-f]{64}: the record is not the history that was shown \(evidence: \{"electionId"/);
    expect(v.receipts?.[0]).toMatchObject({ ok: false, count: null });
  });

  it('attack: the server shows an observer a head of a board it later rewrote (same size, other root): the kept head is equivocation evidence', async () => {
    const { record: fork } = await assembleSyntheticRecord(spec, [...payloads].reverse(), sumBallots);
    const seen = headOf(spec, record.entries, record.entries.length);
    const v = await everyPath(fork, { heads: [seen] });
    expect(check16(v)?.failures?.[0]).toMatch(new RegExp(`head #1 \\(size ${seen.size}\\): the board key signed a head of size ${seen.size} with root ${seen.root}`));
  });

  it('attack: the record is cut short after a voter saw a longer head', async () => {
    const cut = { ...record, entries: record.entries.slice(0, -2), head: headOf(spec, record.entries, record.entries.length - 2) };
    const v = verifyElectionRecord(cut, { heads: [record.head] });
    expect(check16(v)?.reason).toMatch(/signed a head of \d+ entries, the record has only \d+: entries were dropped/);
  });

  it("attack: the server counts everyone but one voter (tally without the voter's ballot): check 16 tells that voter their ballot is NOT counted", async () => {
    const s = firstBallot(record);
    const entries = record.entries.map((text) => {
      const e = JSON.parse(text);
      if (e.kind !== 'tally') return text;
      e.payload.counted = e.payload.counted.filter((x: number) => x !== s);
      return JSON.stringify(e);
    });
    const doctored = { ...record, entries, head: headOf(spec, entries, entries.length) };
    const v = verifyElectionRecord(doctored, { receipts: [receiptFor(spec, record, s)] });
    expect(check16(v)?.reason).toMatch(new RegExp(`the ballot at entry ${s} is on the board but not counted`));
    expect(v.receipts?.[0].count).toEqual({ status: 'not-counted' });
  });

  it('attack: the record is re-signed with a fresh board key (a made-up election): the receipt names the real key and fingerprint', async () => {
    const other = await createSyntheticElection(spec.electionId as ReturnType<typeof crypto.randomUUID>);
    const { record: madeUp } = await assembleSyntheticRecord(other, syntheticBallotPayloads(other, 0, 4), sumBallots);
    const v = verifyElectionRecord(madeUp, { receipts: [receiptFor(spec, record, firstBallot(record))] });
    expect(verifyElectionRecord(madeUp).ok).toBe(true);
    expect(check16(v)?.failures?.join('\n')).toMatch(/the record's base hash is [0-9a-f]{64}: the record is not the election the voter's device checked/);
    expect(check16(v)?.failures?.join('\n')).toMatch(/the record was re-signed/);
  });

  it('a forged or tampered receipt proves nothing, and says so (it is not evidence against the board)', () => {
    const s = firstBallot(record);
    const good = receiptFor(spec, record, s);
    const forgedHead = { ...good, head: { ...good.head, signature: good.head.signature.replace(/^./, (c) => (c === '0' ? '1' : '0')) } };
    const otherEntry = { ...good, entry: record.entries[s + 1] };
    const wrongCode = { ...good, trackingCode: receiptFor(spec, record, s + 1).trackingCode };
    const v = verifyElectionRecord(record, { receipts: [forgedHead, otherEntry, wrongCode, { hello: 'world' }] });
    const f = check16(v)?.failures ?? [];
    expect(f.find((x) => x.includes('proves nothing') && x.includes('signature'))).toBeDefined();
    expect(f.find((x) => x.includes('proves nothing') && x.includes('leaf hash'))).toBeDefined();
    expect(f.find((x) => x.includes(`not ${wrongCode.trackingCode}`))).toBeDefined();
    expect(f.find((x) => x.includes('receipt #4: not a receipt'))).toBeDefined();
    expect(v.receipts?.map((r) => r.ok)).toEqual([false, false, false, false]);
  });

  it('evote verify --receipt --heads prints each receipt\'s fate and the evidence, and exits 1 on a forged board', async () => {
    const s = firstBallot(record);
    const receiptPath = join(dir, 'receipt.json');
    writeFileSync(receiptPath, JSON.stringify(receiptFor(spec, record, s), null, 2));
    const headsPath = join(dir, 'heads.ndjson');
    writeFileSync(headsPath, `${JSON.stringify(headOf(spec, record.entries, 4))}\n${JSON.stringify(record.head)}\n`);
    const recordPath = join(dir, 'record.json');
    writeFileSync(recordPath, JSON.stringify(record));
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: () => undefined };
    expect(await verifyCommand({ record: recordPath, workers: 0, receiptFiles: [receiptPath], headFiles: [headsPath] }, io)).toBe(0);
    expect(lines.join('\n')).toMatch(/16\. \[PASS\] Receipts and heads/);
    expect(lines.join('\n')).toContain(`Receipt ${receiptFor(spec, record, s).trackingCode} (entry ${s}): on the board and counted`);

    const { record: fork } = await assembleSyntheticRecord(spec, payloads.slice(1), sumBallots);
    writeFileSync(recordPath, JSON.stringify(fork));
    lines.length = 0;
    expect(await verifyCommand({ record: recordPath, workers: 0, receiptFiles: [receiptPath] }, io)).toBe(1);
    expect(lines.join('\n')).toMatch(/16\. \[FAIL\][^\n]*\n\s+receipt [0-9A-Z-]+: the board key signed a head of size \d+ with root/);
    expect(lines.join('\n')).toContain('does NOT check out');
  });

  it('attack: the server inflates the roll size (to make room under check 15 for ballots cast for abstainers): the open entry cannot differ from the size bound into the fingerprint', () => {
    const rewrite = (kind: string, change: (p: Record<string, unknown>) => void) => {
      const entries = record.entries.map((text) => {
        const e = JSON.parse(text);
        if (e.kind === kind) change(e.payload);
        return JSON.stringify(e);
      });
      return { ...record, entries, head: headOf(spec, entries, entries.length) };
    };
    const atOpen = verifyElectionRecord(rewrite('open', (p) => (p.rollSize = spec.rollSize * 2)));
    expect(atOpen.checks.find((c) => c.id === '15')?.reason).toMatch(/the open entry says the roll has \d+ voters, the election key \(bound into the fingerprint\) says \d+/);
    // Changing it in the election-key entry as well changes H: the published fingerprint no longer matches.
    const fingerprint = JSON.parse(record.entries.find((e) => e.includes('"kind":"election-key"'))!).payload.baseHash;
    const inflated = bytesToHex(syntheticElection({ ...spec, rollSize: spec.rollSize * 2 }).election.electionHash);
    const both = rewrite('election-key', (p) => {
      p.rollSize = spec.rollSize * 2;
      p.baseHash = inflated; // recomputed honestly for the inflated roll
    });
    expect(verifyElectionRecord(both, { fingerprint }).checks.find((c) => c.id === '4')?.failures).toEqual([`the election's base hash ${inflated} is not the published fingerprint ${fingerprint}`]);
    const stale = rewrite('election-key', (p) => (p.rollSize = spec.rollSize * 2));
    expect(verifyElectionRecord(stale).checks.find((c) => c.id === '4')?.reason).toMatch(/the base hash is not the hash of manifest, setup, key set, setup entries, board key, roll size and witnesses/);
  });
});
