// The voting code (protocol 4, §20 "Voting code"): text form with checksum, and the deterministic,
// domain-separated derivations that let a second device rebuild the same token.
import fc from 'fast-check';
import { bytesToHex } from '../../../src/crypto/encoding';
import { parseIssuerPublicKeyJwk, type RsaPublicKey } from '../../../src/crypto/tokens/rsa-key';
import { finalize } from '../../../src/crypto/tokens/rsabssa';
import { assembleBallotToken, serializeBallotToken, verifyTokenSignatures } from '../../../src/crypto/tokens/ballot-token';
import {
  blindFromCode,
  blindingFactorFromCode,
  formatVotingCode,
  generateVotingCode,
  parseVotingCode,
  prepareBallotTokenFromCode,
  pseudonymFromCode,
  type VotingCodeContext,
} from '../../../src/crypto/tokens/voting-code';
import { blindSign, generateIssuerKey, type IssuerKeyPair } from '../../../src/modules/tokens/blind-signer';

const H = new Uint8Array(32).fill(0x11);
const ctx = { electionId: '6f1c2a1e-0d7e-4c55-9a55-3f2f7a0f0a11', electionBaseHash: H };
const secretArb = fc.uint8Array({ minLength: 16, maxLength: 16 });

describe('voting code: text form', () => {
  it('formats 128 bits plus a 32-bit checksum as eight groups of four base32 characters, and reads it back', () => {
    fc.assert(
      fc.property(secretArb, (s) => {
        const text = formatVotingCode(s);
        expect(text).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}$/);
        const back = parseVotingCode(text);
        expect(back.ok && bytesToHex(back.secret)).toBe(bytesToHex(s));
        // As typed: lower case, spaces instead of dashes, O for 0 and l for 1.
        const typed = text.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
        const again = parseVotingCode(typed);
        expect(again.ok && bytesToHex(again.secret)).toBe(bytesToHex(s));
      }),
    );
  });

  it('catches a mistyped character, a swap of two neighbours and a missing character', () => {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    fc.assert(
      fc.property(secretArb, fc.nat(31), fc.nat(30), (s, pos, delta) => {
        const chars = formatVotingCode(s).replace(/-/g, '').split('');
        const typo = [...chars];
        typo[pos] = alphabet[(alphabet.indexOf(chars[pos]) + 1 + delta) % 32];
        expect(parseVotingCode(typo.join(''))).toEqual({ ok: false, problem: 'checksum' });
        const swapped = [...chars];
        const i = pos % 31;
        [swapped[i], swapped[i + 1]] = [swapped[i + 1], swapped[i]];
        if (swapped[i] !== swapped[i + 1]) expect(parseVotingCode(swapped.join(''))).toEqual({ ok: false, problem: 'checksum' });
        expect(parseVotingCode(chars.slice(1).join(''))).toEqual({ ok: false, problem: 'length' });
      }),
      { numRuns: 200 },
    );
    expect(parseVotingCode('U'.repeat(32))).toEqual({ ok: false, problem: 'character' });
    expect(parseVotingCode(undefined as unknown as string)).toEqual({ ok: false, problem: 'length' });
  });

  it('draws fresh codes', () => {
    expect(bytesToHex(generateVotingCode())).not.toBe(bytesToHex(generateVotingCode()));
  });
});

describe('voting code: derivations', () => {
  let issuers: Array<{ id: string; key: IssuerKeyPair; pk: RsaPublicKey }>;
  beforeAll(async () => {
    issuers = await Promise.all(
      ['issuer-a', 'issuer-b'].map(async (id) => {
        const key = await generateIssuerKey();
        return { id, key, pk: parseIssuerPublicKeyJwk(key.publicJwk) };
      }),
    );
  }, 60_000);

  /** What one device does with the code: the blinded requests and, signed by the issuers, the token. */
  function device(secret: Uint8Array, c: VotingCodeContext = ctx) {
    const { pseudonym, prepared } = prepareBallotTokenFromCode(secret, c);
    const blinded = issuers.map((i) => blindFromCode(secret, c, i.id, i.pk, prepared.preparedMsg));
    const signatures = issuers.map((i, n) => ({ issuerId: i.id, signature: finalize(i.pk, prepared.preparedMsg, blindSign(i.key.privateKey, blinded[n].blindedMsg), blinded[n].inv) }));
    const token = assembleBallotToken({ electionId: c.electionId, pseudonym: pseudonym.publicKey, prefix: prepared.prefix, signatures });
    return { pseudonym, prepared, blinded, token };
  }

  it('is deterministic: a second device with the same code sends the same blinded requests and ends with the same, valid token', () => {
    const secret = generateVotingCode();
    const a = device(secret);
    // The second device only has the code as the voter typed it.
    const typed = parseVotingCode(formatVotingCode(secret).toLowerCase());
    if (!typed.ok) throw new Error('the code did not read back');
    const b = device(typed.secret);
    expect(a.blinded.map((x) => bytesToHex(x.blindedMsg))).toEqual(b.blinded.map((x) => bytesToHex(x.blindedMsg)));
    expect(bytesToHex(a.pseudonym.secretKey)).toBe(bytesToHex(b.pseudonym.secretKey));
    expect(serializeBallotToken(a.token)).toBe(serializeBallotToken(b.token));
    const v = verifyTokenSignatures(a.token, issuers.map((i) => ({ id: i.id, publicKey: i.pk })), 2, { electionBaseHash: H });
    expect(v.valid).toBe(true);
  });

  it('separates: another code, election, base hash or issuer gives unrelated values', () => {
    const secret = generateVotingCode();
    const base = device(secret);
    const hex = (x: { blindedMsg: Uint8Array }) => bytesToHex(x.blindedMsg);
    // Another code.
    const other = device(generateVotingCode());
    expect(bytesToHex(other.pseudonym.publicKey)).not.toBe(bytesToHex(base.pseudonym.publicKey));
    expect(hex(other.blinded[0])).not.toBe(hex(base.blinded[0]));
    // Another election (id), or the same id with another H: another pseudonym, prefix and blinding.
    for (const c of [{ ...ctx, electionId: '0b7d3c59-1a43-4f5e-8a3a-5d2c1b0e9f22' }, { ...ctx, electionBaseHash: new Uint8Array(32).fill(0x22) }, { electionId: ctx.electionId }]) {
      const d = device(secret, c);
      expect(bytesToHex(d.pseudonym.publicKey)).not.toBe(bytesToHex(base.pseudonym.publicKey));
      expect(bytesToHex(d.prepared.prefix)).not.toBe(bytesToHex(base.prepared.prefix));
      expect(hex(d.blinded[0])).not.toBe(hex(base.blinded[0]));
    }
    // Two issuers never see related blinding factors (issuer id and key are bound), nor the same one under a relabelled id.
    expect(blindingFactorFromCode(secret, ctx, 'issuer-a', issuers[0].pk)).not.toBe(blindingFactorFromCode(secret, ctx, 'issuer-b', issuers[0].pk));
    expect(blindingFactorFromCode(secret, ctx, 'issuer-a', issuers[0].pk)).not.toBe(blindingFactorFromCode(secret, ctx, 'issuer-a', issuers[1].pk));
    // The pseudonym seed, the prefix and the blinding are different derivations (tags), not one value reused.
    const seed = bytesToHex(pseudonymFromCode(secret, ctx).secretKey);
    expect(seed).not.toBe(bytesToHex(base.prepared.prefix));
  });

  it('keeps r in [1, n) and the blinded message below n', () => {
    fc.assert(
      fc.property(secretArb, (s) => {
        const r = blindingFactorFromCode(s, ctx, 'issuer-a', issuers[0].pk);
        expect(r > 0n && r < issuers[0].pk.n).toBe(true);
      }),
      { numRuns: 20 },
    );
  });
});
