import fc from 'fast-check';
import { CryptoError } from './errors';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from './encoding';
import { ristretto255Group as g } from './group';
import { CHALLENGE_DST, FieldType, PROTOCOL_VERSION, Transcript } from './transcript';
import { errorCode as code } from '../../test/crypto/proof-helpers';

const H = new Uint8Array(32).fill(0xab);

describe('Fiat–Shamir transcript', () => {
  test('exact byte layout of the header and every field type', () => {
    const P = g.mulBase(2n);
    const t = Transcript.start(g, { domain: 'evote/v1/test', electionHash: H })
      .point('P', P)
      .points('Ps', [P, g.generator])
      .scalar('s', 1n)
      .scalars('ss', [2n])
      .bytes('b', Uint8Array.of(9, 8))
      .u32('n', 7)
      .u64('N', 2n ** 40n)
      .string('str', 'é');
    const pHex = g.toHex(P);
    const gHex = g.toHex(g.generator);
    const expected =
      '0d' + bytesToHex(utf8ToBytes('evote/v1/test')) + '00000001' + 'ab'.repeat(32) +
      '01' + '01' + '50' + '00000020' + pHex +
      '07' + '02' + '5073' + '00000040' + pHex + gHex +
      '02' + '01' + '73' + '00000020' + '01' + '00'.repeat(31) +
      '08' + '02' + '7373' + '00000020' + '02' + '00'.repeat(31) +
      '03' + '01' + '62' + '00000002' + '0908' +
      '04' + '01' + '6e' + '00000004' + '00000007' +
      '05' + '01' + '4e' + '00000008' + '0000010000000000' +
      '06' + '03' + '737472' + '00000002' + 'c3a9';
    expect(bytesToHex(t.toBytes())).toBe(expected);
    expect(t.challenge()).toBe(g.hashToScalar(hexToBytes(expected), CHALLENGE_DST));
    expect(PROTOCOL_VERSION).toBe(1);
    expect(FieldType.POINT).toBe(1);
  });

  test('immutable: appending forks without changing the prefix', () => {
    const base = Transcript.start(g, { domain: 'd', electionHash: H });
    const before = bytesToHex(base.toBytes());
    const a = base.u32('x', 1);
    const b = base.u32('x', 2);
    expect(bytesToHex(base.toBytes())).toBe(before);
    expect(a.challenge()).not.toBe(b.challenge());
    expect(Object.isFrozen(base)).toBe(true);
  });

  test('challenge depends on domain, version, election hash, type, label and value', () => {
    const mk = (o: { domain?: string; version?: number; hash?: Uint8Array; label?: string; value?: Uint8Array; str?: boolean }) => {
      const t = Transcript.start(g, { domain: o.domain ?? 'd', version: o.version, electionHash: o.hash ?? H });
      return (o.str ? t.string(o.label ?? 'l', 'v') : t.bytes(o.label ?? 'l', o.value ?? utf8ToBytes('v'))).challenge();
    };
    const c0 = mk({});
    const others = [
      mk({ domain: 'e' }),
      mk({ version: 2 }),
      mk({ hash: new Uint8Array(32) }),
      mk({ label: 'm' }),
      mk({ value: utf8ToBytes('w') }),
      mk({ str: true }),
    ];
    expect(new Set([c0, ...others]).size).toBe(7);
  });

  test('no ambiguity between field boundaries (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (x, y, z) => {
        fc.pre(x.length > 0);
        // moving bytes from one field to the next must change the transcript
        const t0 = Transcript.start(g, { domain: 'd', electionHash: H });
        const a = t0.bytes('a', x).bytes('b', concatBytes(y, z)).toBytes();
        const b = t0.bytes('a', concatBytes(x, y)).bytes('b', z).toBytes();
        expect(bytesToHex(a) === bytesToHex(b)).toBe(y.length === 0);
      }),
      { numRuns: 50 },
    );
  });

  test('rejects malformed header and fields with CryptoError', () => {
    expect(code(() => Transcript.start(g, { domain: '', electionHash: H }))).toBe('ENCODING');
    expect(code(() => Transcript.start(g, { domain: 'x'.repeat(256), electionHash: H }))).toBe('ENCODING');
    expect(code(() => Transcript.start(g, { domain: 'd', electionHash: new Uint8Array(31) }))).toBe('ENCODING');
    expect(code(() => Transcript.start(g, { domain: 'd', electionHash: H, version: -1 }))).toBe('ENCODING');
    const t = Transcript.start(g, { domain: 'd', electionHash: H });
    expect(code(() => t.bytes('', new Uint8Array(0)))).toBe('ENCODING');
    expect(code(() => t.scalar('s', g.order))).toBe('INVALID_SCALAR');
    expect(code(() => t.u32('n', 2 ** 32))).toBe('ENCODING');
    expect(code(() => t.field(0x99 as 1, 'x', new Uint8Array(0)))).toBe('ENCODING');
  });
});
