// Writes test/vectors/evote-token-request.json: the nonce that binds an itsme login to a token request
// for separate issuers (docs/protocol.md §20 "Separate issuers"). Inputs are fixed (no randomness):
// run `node -r @swc-node/register scripts/gen-token-request-vectors.ts` to regenerate.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenRequestNonce, TOKEN_REQUEST_DOMAIN } from '../src/crypto/tokens/token-request';

const sha = (s: string) => new Uint8Array(createHash('sha256').update(s).digest());
const id = (s: string) => createHash('sha256').update(s).digest('base64url');
const cases = [
  { name: 'one issuer', electionId: '00000000-0000-4000-8000-000000002027', parts: [{ issuerId: id('issuer-a'), blindedHash: sha('blinded-a') }] },
  {
    name: 'three issuers, given out of order (the nonce sorts them by id)',
    electionId: '00000000-0000-4000-8000-000000002027',
    parts: [
      { issuerId: id('issuer-c'), blindedHash: sha('blinded-c') },
      { issuerId: id('issuer-a'), blindedHash: sha('blinded-a') },
      { issuerId: id('issuer-b'), blindedHash: sha('blinded-b') },
    ],
  },
  { name: 'same parts, another election', electionId: '6a0f3c2e-1111-4111-8111-111111111111', parts: [{ issuerId: id('issuer-a'), blindedHash: sha('blinded-a') }] },
];
const out = {
  description: 'OpenID Connect nonce of a token request to separate issuers (docs/protocol.md §20 "Separate issuers")',
  generator: 'scripts/gen-token-request-vectors.ts (fixed inputs)',
  protocolVersion: 3,
  domain: TOKEN_REQUEST_DOMAIN,
  cases: cases.map((c) => ({
    name: c.name,
    electionId: c.electionId,
    parts: c.parts.map((p) => ({ issuerId: p.issuerId, blindedHash: Buffer.from(p.blindedHash).toString('hex') })),
    nonce: tokenRequestNonce(c.electionId, c.parts),
  })),
};
writeFileSync(join(__dirname, '..', 'test', 'vectors', 'evote-token-request.json'), `${JSON.stringify(out, null, 2)}\n`);
