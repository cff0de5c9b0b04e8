import { sha256 } from '@noble/hashes/sha2.js';
import { keygen } from '../elgamal';
import { bytesToHex, concatBytes, u32be, u64be, utf8ToBytes } from '../encoding';
import { deterministicNonces, ristretto255Group as group } from '../group';
import {
  TRUSTEE_REQUEST_DOMAIN,
  parseTrusteeHeaders,
  signTrusteeRequest,
  trusteeAuthHeaders,
  trusteeRequestDigest,
  trusteeSignatureFromHeader,
  trusteeSignatureToHeader,
  verifyTrusteeRequest,
  type TrusteeRequest,
} from './trustee-auth';

const nonces = deterministicNonces(utf8ToBytes('trustee-auth'), 'test');
const me = keygen(group, nonces);
const other = keygen(group, nonces);
const setupHash = new Uint8Array(32).fill(3);
const req: TrusteeRequest = {
  electionId: '6f0d5f3e-2b1a-4c3d-9e8f-0a1b2c3d4e5f',
  trustee: 2,
  method: 'POST',
  path: '/elections/6f0d5f3e-2b1a-4c3d-9e8f-0a1b2c3d4e5f/key-ceremony/dealings',
  body: utf8ToBytes('{"dealing":{}}'),
  timestamp: 1_795_570_000_000,
  nonce: new Uint8Array(16).fill(0xab),
};

/** Independent encoder of the digest, straight from docs/protocol.md §35.1. */
function digestByHand(h: Uint8Array, r: TrusteeRequest): Uint8Array {
  const field = (type: number, label: string, value: Uint8Array) => {
    const l = utf8ToBytes(label);
    return concatBytes(new Uint8Array([type, l.length]), l, u32be(value.length), value);
  };
  const d = utf8ToBytes(TRUSTEE_REQUEST_DOMAIN);
  return sha256(
    concatBytes(
      new Uint8Array([d.length]),
      d,
      u32be(1),
      h,
      field(0x06, 'election-id', utf8ToBytes(r.electionId)),
      field(0x04, 'trustee', u32be(r.trustee)),
      field(0x06, 'method', utf8ToBytes(r.method)),
      field(0x06, 'path', utf8ToBytes(r.path)),
      field(0x03, 'body-sha256', sha256(r.body)),
      field(0x05, 'timestamp', u64be(r.timestamp)),
      field(0x03, 'nonce', r.nonce),
    ),
  );
}

describe('trustee request signatures', () => {
  it('the digest has the documented byte layout', () => {
    expect(bytesToHex(trusteeRequestDigest(group, setupHash, req))).toBe(bytesToHex(digestByHand(setupHash, req)));
  });

  it('a signature verifies for exactly the signed request, setup hash and key', () => {
    const sig = signTrusteeRequest(group, setupHash, me.secretKey, req);
    expect(verifyTrusteeRequest(group, setupHash, me.publicKey, req, sig)).toBe(true);
    const changed: Array<[string, TrusteeRequest]> = [
      ['election', { ...req, electionId: req.electionId.replace('6f', '7f') }],
      ['trustee', { ...req, trustee: 3 }],
      ['method', { ...req, method: 'PUT' }],
      ['path', { ...req, path: req.path.replace('dealings', 'verdicts') }],
      ['body', { ...req, body: utf8ToBytes('{"dealing":{} }') }],
      ['timestamp', { ...req, timestamp: req.timestamp + 1 }],
      ['nonce', { ...req, nonce: new Uint8Array(16).fill(0xac) }],
    ];
    for (const [what, r] of changed) expect([what, verifyTrusteeRequest(group, setupHash, me.publicKey, r, sig)]).toEqual([what, false]);
    expect(verifyTrusteeRequest(group, new Uint8Array(32), me.publicKey, req, sig)).toBe(false);
    expect(verifyTrusteeRequest(group, setupHash, other.publicKey, req, sig)).toBe(false);
    expect(verifyTrusteeRequest(group, setupHash, me.publicKey, { ...req, nonce: new Uint8Array(15) }, sig)).toBe(false);
  });

  it('headers round-trip and are parsed strictly', () => {
    const h = trusteeAuthHeaders(group, setupHash, me.secretKey, req, { now: req.timestamp, nonce: req.nonce });
    expect(h['Evote-Trustee']).toBe('2');
    expect(h['Evote-Nonce']).toBe('ab'.repeat(16));
    const p = parseTrusteeHeaders(group, { trustee: h['Evote-Trustee'], timestamp: h['Evote-Timestamp'], nonce: h['Evote-Nonce'], signature: h['Evote-Signature'] });
    expect(p.trustee).toBe(2);
    expect(p.timestamp).toBe(req.timestamp);
    expect(verifyTrusteeRequest(group, setupHash, me.publicKey, req, p.signature)).toBe(true);
    expect(trusteeSignatureToHeader(group, trusteeSignatureFromHeader(group, h['Evote-Signature']))).toBe(h['Evote-Signature']);
    const good = { trustee: '2', timestamp: '1795570000000', nonce: 'ab'.repeat(16), signature: h['Evote-Signature'] };
    for (const bad of [
      { trustee: undefined },
      { trustee: '02' },
      { trustee: '0' },
      { trustee: '256' },
      { trustee: '1.5' },
      { timestamp: '-1' },
      { timestamp: '1e12' },
      { timestamp: '99999999999999999' },
      { nonce: 'AB'.repeat(16) },
      { nonce: 'ab'.repeat(15) },
      { signature: h['Evote-Signature'].toUpperCase() },
      { signature: h['Evote-Signature'].slice(2) },
      { signature: '00'.repeat(64) },
    ]) {
      expect(() => parseTrusteeHeaders(group, { ...good, ...bad })).toThrow();
    }
  });
});
