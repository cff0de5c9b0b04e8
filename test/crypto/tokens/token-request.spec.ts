import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { tokenRequestNonce, type TokenRequestPart } from '../../../src/crypto/tokens/token-request';

const vectors = JSON.parse(readFileSync(join(__dirname, '..', '..', 'vectors', 'evote-token-request.json'), 'utf8')) as {
  domain: string;
  cases: Array<{ name: string; electionId: string; parts: Array<{ issuerId: string; blindedHash: string }>; nonce: string }>;
};
const parts = (c: (typeof vectors.cases)[number]): TokenRequestPart[] => c.parts.map((p) => ({ issuerId: p.issuerId, blindedHash: new Uint8Array(Buffer.from(p.blindedHash, 'hex')) }));

/** The §20 byte layout, written again with node:crypto and Buffers: a second implementation of the spec. */
function independentNonce(electionId: string, ps: Array<{ issuerId: string; blindedHash: Uint8Array }>): string {
  const lp = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0].map((_, i) => (b.length >>> (8 * (3 - i))) & 0xff)), b]);
  const sorted = [...ps].sort((a, b) => Buffer.compare(Buffer.from(a.issuerId, 'ascii'), Buffer.from(b.issuerId, 'ascii')));
  const count = Buffer.alloc(4);
  count.writeUInt32BE(sorted.length);
  const h = createHash('sha256').update(lp(Buffer.from(vectors.domain))).update(lp(Buffer.from(electionId, 'utf8'))).update(count);
  for (const p of sorted) h.update(lp(Buffer.from(p.issuerId, 'ascii'))).update(lp(Buffer.from(p.blindedHash)));
  return h.digest('base64url');
}

const issuerId = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64url'));
const part = fc.record({ issuerId, blindedHash: fc.uint8Array({ minLength: 32, maxLength: 32 }) });
const request = fc.uniqueArray(part, { minLength: 1, maxLength: 16, selector: (p) => p.issuerId });

describe('token request nonce (§20 "Separate issuers")', () => {
  it.each(vectors.cases.map((c) => [c.name, c] as const))('committed vector: %s', (_name, c) => {
    expect(tokenRequestNonce(c.electionId, parts(c))).toBe(c.nonce);
    expect(independentNonce(c.electionId, parts(c))).toBe(c.nonce);
  });

  it('equals an independent implementation of the byte layout, and does not depend on the order the parts come in', () => {
    fc.assert(
      fc.property(fc.uuid(), request, fc.integer(), (electionId, ps, seed) => {
        const shuffled = [...ps].sort((a, b) => ((a.blindedHash[0] ^ seed) & 0xff) - ((b.blindedHash[0] ^ seed) & 0xff));
        expect(tokenRequestNonce(electionId, ps)).toBe(independentNonce(electionId, ps));
        expect(tokenRequestNonce(electionId, shuffled)).toBe(tokenRequestNonce(electionId, ps));
      }),
    );
  });

  it('attack: any other blinded message, issuer, election or one part left out gives another nonce (a login serves one request only)', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), request, fc.nat(), fc.nat(31), (electionId, otherElection, ps, which, byte) => {
        const nonce = tokenRequestNonce(electionId, ps);
        const i = which % ps.length;
        const flipped = ps.map((p, j) => (j === i ? { ...p, blindedHash: p.blindedHash.map((b, k) => (k === byte ? b ^ 1 : b)) } : p));
        expect(tokenRequestNonce(electionId, flipped)).not.toBe(nonce);
        if (otherElection !== electionId) expect(tokenRequestNonce(otherElection, ps)).not.toBe(nonce);
        if (ps.length > 1) expect(tokenRequestNonce(electionId, ps.filter((_, j) => j !== i))).not.toBe(nonce);
      }),
    );
  });

  it('refuses what is not a request: no part, more than 16, an issuer named twice, a malformed id, a hash that is not 32 bytes', () => {
    const p = { issuerId: 'A'.repeat(43), blindedHash: new Uint8Array(32) };
    const e = '00000000-0000-4000-8000-000000002027';
    expect(() => tokenRequestNonce(e, [])).toThrow(/1\.\.16/);
    expect(() => tokenRequestNonce(e, Array.from({ length: 17 }, (_, i) => ({ ...p, issuerId: `${'A'.repeat(41)}${String(i).padStart(2, '0')}` })))).toThrow(/1\.\.16/);
    expect(() => tokenRequestNonce(e, [p, p])).toThrow(/once/);
    expect(() => tokenRequestNonce(e, [{ ...p, issuerId: 'short' }])).toThrow(/43/);
    expect(() => tokenRequestNonce(e, [{ ...p, issuerId: `${'A'.repeat(42)}=` }])).toThrow(/43/);
    expect(() => tokenRequestNonce(e, [{ ...p, blindedHash: new Uint8Array(31) }])).toThrow(/32 bytes/);
    expect(() => tokenRequestNonce('', [p])).toThrow();
  });
});
