/**
 * A whole DKG run in one process, for tests, vectors, benchmarks and demos ONLY: it sees every trustee's secrets,
 * which defeats the purpose of a threshold scheme in production (there each trustee runs its own rounds).
 */
import { keygen } from '../elgamal';
import { type Group, type NonceSource, randomNonces } from '../group';
import {
  type DkgComplaint,
  type DkgDealerSecret,
  type DkgDealing,
  type DkgParameters,
  type ElectionKeySet,
  createDealing,
  createDkgParameters,
  deriveElectionKeys,
  finalSecretShare,
  qualifiedDealers,
  receiveShare,
} from './dkg';

/** Everything a simulated ceremony produced, secrets included. */
export interface SimulatedDkg {
  readonly params: DkgParameters;
  /** e_1..e_n: the trustees' ECIES secret keys. */
  readonly trusteeSecrets: readonly bigint[];
  readonly dealings: readonly DkgDealing[];
  readonly dealerSecrets: readonly DkgDealerSecret[];
  readonly complaints: readonly DkgComplaint[];
  readonly keys: ElectionKeySet;
  /** x_1..x_n (x_ℓ at position ℓ − 1). */
  readonly secretShares: readonly bigint[];
}

/**
 * Runs registration, both DKG rounds and the derivation for k-of-n trustees. `tamper` may alter a dealing
 * before it is published (tests of complaints).
 */
export function simulateDkg(
  group: Group,
  contextHash: Uint8Array,
  threshold: number,
  trustees: number,
  nonces: NonceSource = randomNonces(group),
  tamper: (d: DkgDealing) => DkgDealing = (d) => d,
): SimulatedDkg {
  const regs = Array.from({ length: trustees }, () => keygen(group, nonces));
  const params = createDkgParameters(group, contextHash, threshold, regs.map((r) => r.publicKey));
  const dealt = regs.map((_, i) => createDealing(group, params, i + 1, nonces));
  const dealings = dealt.map((d) => tamper(d.dealing));
  const complaints: DkgComplaint[] = [];
  const received = regs.map(() => new Map<number, bigint>());
  for (const d of dealings) {
    for (let l = 1; l <= trustees; l++) {
      if (l === d.dealer) continue;
      const r = receiveShare(group, params, d, l, regs[l - 1].secretKey, nonces);
      if (r.ok) received[l - 1].set(d.dealer, r.share);
      else complaints.push(r.complaint);
    }
  }
  const qualified = qualifiedDealers(group, params, dealings, complaints);
  const keys = deriveElectionKeys(group, params, dealings, qualified);
  const secretShares = regs.map((_, i) => finalSecretShare(group, keys, i + 1, received[i], dealt[i].secret));
  return Object.freeze({
    params,
    trusteeSecrets: Object.freeze(regs.map((r) => r.secretKey)),
    dealings: Object.freeze(dealings),
    dealerSecrets: Object.freeze(dealt.map((d) => d.secret)),
    complaints: Object.freeze(complaints),
    keys,
    secretShares: Object.freeze(secretShares),
  });
}
