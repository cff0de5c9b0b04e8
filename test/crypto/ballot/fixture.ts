// Shared fixture of the ballot specs: a three-contest manifest (one of each kind) and a 2-of-3 election.
import { type Election, type ElectionBindings, type Manifest, createElection, parseManifest } from '../../../src/crypto/ballot';
import { deterministicNonces, ristretto255Group as group } from '../../../src/crypto/group';
import { simulateDkg, type SimulatedDkg } from '../../../src/crypto/threshold';

export const MANIFEST_JSON = Object.freeze({
  electionId: 'city-2026',
  title: 'City election 2026',
  contests: [
    {
      id: 'mayor',
      title: 'Mayor',
      kind: 'one-of-m',
      minSelections: 1,
      maxSelections: 1,
      blankAllowed: false,
      options: [
        { id: 'alice', title: 'Alice Martin' },
        { id: 'bob', title: 'Bob Dupont' },
        { id: 'chloe', title: 'Chloé Leroy' },
      ],
    },
    {
      id: 'council',
      title: 'City council (up to two)',
      kind: 'k-of-m',
      minSelections: 1,
      maxSelections: 2,
      blankAllowed: true,
      options: [
        { id: 'd', title: 'Dana' },
        { id: 'e', title: 'Eli' },
        { id: 'f', title: 'Fatou' },
        { id: 'g', title: 'Gus' },
      ],
    },
    {
      id: 'park',
      title: 'Build the new park?',
      kind: 'referendum',
      minSelections: 1,
      maxSelections: 1,
      blankAllowed: true,
      options: [
        { id: 'yes', title: 'Yes' },
        { id: 'no', title: 'No' },
      ],
    },
  ],
});

export const seed = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * Stand-ins for what H binds of a board (§40.3: the leaf hashes of the manifest and issuer-keys entries,
 * the board key, roll size and witnesses), for tests of the ballot layer that have no board.
 */
export const TEST_BINDINGS: ElectionBindings = Object.freeze({
  manifestEntry: new Uint8Array(32).fill(0x51),
  issuerKeysEntry: new Uint8Array(32).fill(0x52),
  boardPublicKey: new Uint8Array(32).fill(0x53),
  rollSize: 1000,
  witnesses: [],
});

export function makeElection(manifest: Manifest = parseManifest(MANIFEST_JSON)): { election: Election; dkg: SimulatedDkg } {
  const dkg = simulateDkg(group, new Uint8Array(32).fill(3), 2, 3, deterministicNonces(seed('fixture-dkg'), 'test/dkg'));
  return { election: createElection(group, manifest, dkg.params.setupHash, dkg.keys, TEST_BINDINGS), dkg };
}
