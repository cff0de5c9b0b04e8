import { RECORD_CHECKS, formatRecordVerification, verifyElectionRecord } from './verify-record';

describe('verifyElectionRecord on malformed input', () => {
  const inputs: unknown[] = [
    null,
    undefined,
    42,
    'record',
    [],
    {},
    { format: 'evote-election-record', version: 3, electionId: 'x', boardPublicKey: 'zz', head: null, entries: ['{', 7, null] },
    {
      format: 'evote-election-record',
      version: 3,
      electionId: '6f0f3f4e-5c1a-4b7e-9a4e-2f9d1d3b8c11',
      boardPublicKey: '00'.repeat(32),
      head: { electionId: '6f0f3f4e-5c1a-4b7e-9a4e-2f9d1d3b8c11', size: 1, root: '00'.repeat(32), timestamp: 0, signature: '00'.repeat(64) },
      entries: [JSON.stringify({ v: 1, electionId: '6f0f3f4e-5c1a-4b7e-9a4e-2f9d1d3b8c11', seq: 0, kind: 'manifest', payload: { manifest: { nope: true } } })],
    },
  ];

  it.each(inputs.map((x) => [JSON.stringify(x) ?? String(x), x]))('never throws, reports all 15 checks and is not ok: %s', (_label, input) => {
    const v = verifyElectionRecord(input);
    expect(v.ok).toBe(false);
    expect(v.checks.map((c) => c.id)).toEqual(RECORD_CHECKS.map((c) => c.id));
    expect(v.checks[0].status).toBe('fail');
    for (const c of v.checks) expect(['pass', 'fail', 'skip']).toContain(c.status);
    expect(formatRecordVerification(v)).toHaveLength(15);
  });

  it('the check numbering is 1..15 in order', () => {
    expect(RECORD_CHECKS.map((c) => c.id)).toEqual(Array.from({ length: 15 }, (_, i) => String(i + 1)));
  });
});
