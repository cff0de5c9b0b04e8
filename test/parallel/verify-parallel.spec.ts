// The worker-thread verifier and tally sum against the single-threaded reference, on a synthetic record
// made exactly like the server's (test/support/synthetic-record.ts): same checks, same verdicts, and a
// tampered ballot is named by both.
import { sumBallotEntriesParallel } from '../../src/parallel/aggregate-parallel';
import { verifyElectionRecordParallel } from '../../src/parallel/verify-parallel';
import { aggregateBallots, ballotFromJSON, tallyCiphertexts } from '../../src/crypto/ballot';
import { defaultGroup as group } from '../../src/crypto/group';
import { verifyElectionRecord } from '../../src/crypto/record/verify-record';
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
});
