// The worker-thread verifier and tally sum against the single-threaded reference, on a synthetic record
// made exactly like the server's (test/support/synthetic-record.ts): same checks, same verdicts, and a
// tampered ballot is named by both.
import { sumBallotEntriesParallel } from '../../src/parallel/aggregate-parallel';
import { verifyElectionRecordParallel } from '../../src/parallel/verify-parallel';
import { verifyRecordFile, writeNdjsonRecord } from '../../src/parallel/verify-stream';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tallyFromCiphertexts, tallyToJSON } from '../../src/crypto/ballot';
import { aggregateBallots, ballotFromJSON, tallyCiphertexts } from '../../src/crypto/ballot';
import { defaultGroup as group } from '../../src/crypto/group';
import { verifyElectionRecord } from '../../src/crypto/record/verify-record';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../src/crypto/encoding';
import { leafHash, treeRoot } from '../../src/crypto/record/merkle';
import { type SignedTreeHead, signTreeHead } from '../../src/crypto/record/tree-head';
import { generatePseudonymKeyPair } from '../../src/crypto/tokens/pseudonym';
import { assembleSyntheticRecord, createSyntheticElection, type SyntheticElectionSpec, type SyntheticRecord, syntheticBallotPayloads, syntheticElection } from '../support/synthetic-record';

jest.setTimeout(240_000);

const statuses = (v: { checks: readonly { id: string; status: string }[] }) => v.checks.map((c) => `${c.id}:${c.status}`);

describe('parallel verification and tally (worker threads)', () => {
  let spec: SyntheticElectionSpec;
  let record: SyntheticRecord;
  let payloads: string[];

  beforeAll(async () => {
    spec = await createSyntheticElection();
    payloads = syntheticBallotPayloads(spec, 0, 14);
    ({ record } = await assembleSyntheticRecord(spec, payloads, (m, entries) => sumBallotEntriesParallel(m, entries, { workers: 2, chunkSize: 4 })));
  });

  it('the parallel sum equals the sequential aggregate', async () => {
    const { manifest } = syntheticElection(spec);
    const parallel = await sumBallotEntriesParallel(manifest, record.entries.filter((e) => e.includes('"kind":"ballot"')), { workers: 2, chunkSize: 3 });
    const sequential = tallyCiphertexts(aggregateBallots(group, manifest, payloads.map((p) => ballotFromJSON(group, manifest, JSON.parse(p).ballot))));
    expect(parallel.map((c) => [group.toHex(c.alpha), group.toHex(c.beta)])).toEqual(sequential.map((c) => [group.toHex(c.alpha), group.toHex(c.beta)]));
  });

  it('a synthetic record passes all 15 checks, sequentially and on two workers (either group backend), with the same report', async () => {
    const seq = verifyElectionRecord(record);
    expect(seq.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    for (const backend of ['noble', 'sodium'] as const) {
      const par = await verifyElectionRecordParallel(record, { workers: 2, chunkSize: 4, backend });
      expect(statuses(par)).toEqual(statuses(seq));
      expect(par.ok).toBe(true);
      expect(par.result).toEqual(seq.result);
      expect(par.checks.find((c) => c.id === '8')?.checked).toBe(14);
    }
  });

  it('check 15 is sound for k-of-n: voters holding 2 of the 3 issuers\' signatures pass; an issuer that logs fewer issuances than it signed fails', () => {
    const logs = record.entries.map((e) => JSON.parse(e)).filter((e) => e.kind === 'issuance-log');
    // Every issuer signed fewer tokens than were counted: the former "counted ≤ every issuer's count" failed this honest election.
    expect(Math.max(...logs.map((l) => l.payload.count))).toBeLessThan(14);
    expect(logs.reduce((n, l) => n + l.payload.count, 0)).toBe(28);
    const check15 = (r: unknown) => verifyElectionRecord(r).checks.find((c) => c.id === '15')!;
    expect(check15(record).status).toBe('pass');
    const short = (drop: number) => ({
      ...record,
      entries: record.entries.map((e) => {
        const x = JSON.parse(e);
        if (x.kind !== 'issuance-log') return e;
        x.payload.blindedHashes = x.payload.blindedHashes.slice(drop);
        x.payload.count = x.payload.blindedHashes.length;
        return JSON.stringify(x);
      }),
    });
    // Each issuer's log one short of the distinct tokens it signed on the board.
    const c = check15(short(1));
    expect(c.status).toBe('fail');
    expect(c.failures!.join('\n')).toMatch(/signed \d+ distinct tokens on the board but logged only/);
    expect(c.failures!.join('\n')).toMatch(/14 distinct valid tokens on the board, but 25 logged issuances at k = 2 support at most 12/);
  });

  it('a whole election made up by someone else verifies on its own, but not against the published fingerprint, on every path', async () => {
    // `record` plays the fake: a complete, self-consistent election with its own board key.
    const H = JSON.parse(record.entries.find((e) => e.includes('"kind":"election-key"'))!).payload.baseHash as string;
    const published = `${H.slice(0, 62)}${H.slice(62) === '00' ? '11' : '00'}`; // the real election's fingerprint
    const check4 = (v: { checks: readonly { id: string; status: string; reason?: string }[] }) => v.checks.find((c) => c.id === '4')!;
    expect(check4(verifyElectionRecord(record)).status).toBe('pass');
    expect(check4(verifyElectionRecord(record, { fingerprint: H })).status).toBe('pass');
    const seq = verifyElectionRecord(record, { fingerprint: published });
    const par = await verifyElectionRecordParallel(record, { workers: 2, chunkSize: 4, fingerprint: published });
    expect(check4(seq)).toMatchObject({ status: 'fail', reason: expect.stringContaining('not the published fingerprint') });
    expect(statuses(par)).toEqual(statuses(seq));
    // Only the board key swapped (head re-signed): H binds the board key, so check 4 fails with no fingerprint at all.
    const other = generatePseudonymKeyPair();
    const resigned = { ...record, boardPublicKey: bytesToHex(other.publicKey), head: signTreeHead({ ...(record.head as SignedTreeHead) }, other.secretKey) };
    const v = verifyElectionRecord(resigned);
    expect(v.checks.find((c) => c.id === '1')!.status).toBe('pass');
    expect(check4(v)).toMatchObject({ status: 'fail', reason: expect.stringContaining('board key') });
  });

  /** The record with its entries rewritten by `change`, renumbered and re-signed by the board key (a server that does this). */
  const rewritten = (change: (entries: any[]) => any[], timestamp = (record.head as SignedTreeHead).timestamp) => {
    const all = change(record.entries.map((e) => JSON.parse(e))).map((e, seq) => JSON.stringify({ ...e, seq }));
    const leaves = all.map((e) => leafHash(utf8ToBytes(e)));
    const head = signTreeHead({ electionId: record.electionId, size: all.length, root: bytesToHex(treeRoot(leaves)), timestamp }, hexToBytes(spec.boardSecretKey, 32));
    return { ...record, head, entries: all };
  };
  /** The record with `extra` entries inserted before the close. */
  const withInserted = (extra: (entries: any[]) => any[]) =>
    rewritten((es) => {
      const at = es.findIndex((e) => e.kind === 'close');
      return [...es.slice(0, at), ...extra(es), ...es.slice(at)];
    });

  it('strict where the spec is: a head dated to the millisecond, complaints that are not an array, an election opened before its key', () => {
    const failureOf = (r: unknown, id: string) => verifyElectionRecord(r).checks.find((c) => c.id === id)!;
    expect(failureOf(rewritten((es) => es, (record.head as SignedTreeHead).timestamp + 1), '1')).toMatchObject({ status: 'fail', reason: expect.stringContaining('whole minute') });
    const noArray = rewritten((es) => es.map((e) => (e.kind === 'election-key' ? { ...e, payload: { ...e.payload, complaints: {} } } : e)));
    expect(failureOf(noArray, '3')).toMatchObject({ status: 'fail', reason: expect.stringContaining('complaints must be an array') });
    const openFirst = rewritten((es) => {
      const open = es.find((e) => e.kind === 'open');
      const rest = es.filter((e) => e.kind !== 'open');
      const at = rest.findIndex((e) => e.kind === 'trustee-commitments');
      return [...rest.slice(0, at), open, ...rest.slice(at)];
    });
    expect(failureOf(openFirst, '9').failures).toContain('the election opened before its election key was on the board');
    expect(verifyElectionRecord(record).ok).toBe(true);
  });

  it('attack: the server appends a superseded ballot again, or has one ballot both cast and audited (its nonces public): check 9 names it, on every path', async () => {
    const replayed = withInserted((es) => [{ ...es.find((e) => e.kind === 'ballot') }]);
    const auditedThenCast = withInserted((es) => [{ ...es.find((e) => e.kind === 'ballot'), kind: 'audit', payload: { ...es.find((e) => e.kind === 'ballot').payload, reveal: { contests: [] } } }]);
    for (const [r, message] of [[replayed, /repeats the ballot of entry \d+ \(ballot\): a replayed ballot/], [auditedThenCast, /repeats the ballot of entry \d+ \(ballot\): an audited ballot is never cast/]] as const) {
      const seq = verifyElectionRecord(r);
      expect(seq.checks.find((c) => c.id === '1')!.status).toBe('pass');
      const c9 = seq.checks.find((c) => c.id === '9')!;
      expect(c9.status).toBe('fail');
      expect(c9.failures!.join('\n')).toMatch(message);
      expect(statuses(await verifyElectionRecordParallel(r, { workers: 2, chunkSize: 4 }))).toEqual(statuses(seq));
    }
  });

  it('a ballot whose ciphertext was swapped for another ballot\'s is named by both verifiers (checks 8, 9, 11 fail)', async () => {
    const tampered = { ...record, entries: [...record.entries] };
    const first = tampered.entries.findIndex((e) => e.includes('"kind":"ballot"'));
    const victim = first + 5;
    const e = JSON.parse(tampered.entries[victim]);
    const donor = JSON.parse(tampered.entries[first + 6]);
    e.payload.ballot.contests[0].selections[1].ciphertext = donor.payload.ballot.contests[0].selections[1].ciphertext;
    tampered.entries[victim] = JSON.stringify(e);
    for (const v of [verifyElectionRecord(tampered), await verifyElectionRecordParallel(tampered, { workers: 2, chunkSize: 4, backend: 'noble' }), await verifyElectionRecordParallel(tampered, { workers: 2, chunkSize: 4, backend: 'sodium' })]) {
      expect(v.ok).toBe(false);
      const failed = v.checks.filter((c) => c.status === 'fail').map((c) => c.id);
      expect(failed).toEqual(expect.arrayContaining(['1', '7', '8', '9', '11']));
      expect(v.checks.find((c) => c.id === '8')?.failures?.join('\n')).toContain(`entry ${victim}:`);
      expect(v.checks.find((c) => c.id === '8')?.failures).toHaveLength(1);
    }
  });

  it('malformed records give the same report in parallel as sequentially (never throws)', async () => {
    const broken = { ...record, entries: record.entries.map((e, i) => (i === 10 ? '{"v":1' : e)) };
    const [a, b] = [verifyElectionRecord(broken), await verifyElectionRecordParallel(broken, { workers: 2 })];
    expect(statuses(b)).toEqual(statuses(a));
    expect(b.ok).toBe(false);
    expect(statuses(await verifyElectionRecordParallel({ nope: 1 }))).toEqual(statuses(verifyElectionRecord({ nope: 1 })));
  });

  describe('streamed from an NDJSON file (never holding the ballots)', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'evote-stream-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    let n = 0;
    const toFile = async (r: { readonly entries: readonly string[] }) => {
      const file = join(dir, `record-${n++}.ndjson`);
      const out = createWriteStream(file);
      await writeNdjsonRecord(out, r);
      await new Promise<void>((resolve) => out.end(resolve));
      return file;
    };

    it('the clean record: the same report as in memory', async () => {
      const v = await verifyRecordFile(await toFile(record), { workers: 2, chunkSize: 4 });
      expect(statuses(v)).toEqual(statuses(verifyElectionRecord(record)));
      expect(v.ok).toBe(true);
      expect(v.result).toEqual(verifyElectionRecord(record).result);
    });

    it('a blank line between two entries: a failed check 1 with the same report as in memory, not a crash', async () => {
      const at = record.entries.findIndex((e) => e.includes('"kind":"ballot"')) + 2;
      const blank = { ...record, entries: [...record.entries.slice(0, at), '', ...record.entries.slice(at)] };
      const v = await verifyRecordFile(await toFile(blank), { workers: 2, chunkSize: 4 });
      const inMemory = verifyElectionRecord(blank);
      expect(statuses(v)).toEqual(statuses(inMemory));
      expect(v.checks.find((c) => c.id === '1')).toMatchObject({ status: 'fail', reason: inMemory.checks[0].reason });
    });

    it('against another fingerprint: check 4 fails in the stream as in memory', async () => {
      const fingerprint = 'ff'.repeat(32);
      const v = await verifyRecordFile(await toFile(record), { workers: 2, chunkSize: 4, fingerprint });
      expect(statuses(v)).toEqual(statuses(verifyElectionRecord(record, { fingerprint })));
      expect(v.checks.find((c) => c.id === '4')?.status).toBe('fail');
    });

    it('a swapped ciphertext, a broken line, a missing manifest: the same reports and failures as in memory', async () => {
      const first = record.entries.findIndex((e) => e.includes('"kind":"ballot"'));
      const swapped = { ...record, entries: [...record.entries] };
      const e = JSON.parse(swapped.entries[first + 5]);
      e.payload.ballot.contests[0].selections[1].ciphertext = JSON.parse(swapped.entries[first + 6]).payload.ballot.contests[0].selections[1].ciphertext;
      swapped.entries[first + 5] = JSON.stringify(e);
      const broken = { ...record, entries: record.entries.map((x, i) => (i === 10 ? '{"v":1' : x)) };
      const noManifest = { ...record, entries: record.entries.map((x, i) => (i === 0 ? '{"v":1,"electionId":"x","seq":0,"kind":"note","payload":{}}' : x)) };
      for (const r of [swapped, broken, noManifest]) {
        const mem = verifyElectionRecord(r);
        const streamed = await verifyRecordFile(await toFile(r), { workers: 2, chunkSize: 4 });
        expect(statuses(streamed)).toEqual(statuses(mem));
        expect(streamed.checks.map((c) => c.failures ?? [])).toEqual(mem.checks.map((c) => c.failures ?? []));
      }
    });

    it('a valid ballot left out of the count (with the aggregate to match): check 11 re-reads it in a third pass', async () => {
      const first = record.entries.findIndex((e) => e.includes('"kind":"ballot"'));
      const tallyAt = record.entries.findIndex((e) => e.includes('"kind":"tally"'));
      const r = { ...record, entries: [...record.entries] };
      const t = JSON.parse(r.entries[tallyAt]);
      const left = first + 3;
      t.payload.counted = t.payload.counted.filter((s: number) => s !== left);
      const { manifest } = syntheticElection(spec);
      const sum = await sumBallotEntriesParallel(manifest, t.payload.counted.map((s: number) => record.entries[s]), { workers: 1 });
      t.payload.aggregate = tallyToJSON(group, tallyFromCiphertexts(manifest, sum));
      r.entries[tallyAt] = JSON.stringify(t);
      const mem = verifyElectionRecord(r);
      expect(mem.checks.find((c) => c.id === '11')?.status).toBe('pass');
      expect(mem.checks.find((c) => c.id === '9')?.status).toBe('fail');
      const streamed = await verifyRecordFile(await toFile(r), { workers: 2, chunkSize: 4 });
      expect(statuses(streamed)).toEqual(statuses(mem));
    });
  });
});
