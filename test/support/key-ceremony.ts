import type { DataSource } from 'typeorm';
import { createElection, parseManifest } from '../../src/crypto/ballot';
import { bytesToHex } from '../../src/crypto/encoding';
import { keygen } from '../../src/crypto/elgamal';
import { defaultGroup as g } from '../../src/crypto/group';
import {
  createDealing,
  createDkgParameters,
  deriveElectionKeys,
  electionKeySetToJSON,
  finalSecretShare,
  qualifiedDealers,
  receiveShare,
} from '../../src/crypto/threshold';
import type { BoardService } from '../../src/modules/board/board.service';

export interface TestTrustee {
  index: number;
  secretKey: bigint;
  publicKey: string;
  /** x_ℓ after the ceremony. */
  share?: bigint;
}

/** Trustee key pairs, as `evote trustee init` would make them on each trustee's machine. */
export function makeTrustees(n: number): TestTrustee[] {
  return Array.from({ length: n }, (_, i) => {
    const kp = keygen(g);
    return { index: i + 1, secretKey: kp.secretKey, publicKey: g.toHex(kp.publicKey) };
  });
}

/**
 * Runs the whole key ceremony in the test process (every trustee honest) and records its outcome as the
 * key-ceremony module does: setup hash, key set and base hash on the election, and an 'election-key'
 * board entry. A stand-in for the trustees' own flow, for tests of later stages.
 */
export async function completeKeyCeremony(ds: DataSource, board: BoardService, electionId: string, trustees: TestTrustee[]): Promise<void> {
  const [row] = await ds.query(`SELECT manifest, manifest_hash, trustee_threshold FROM elections WHERE id = $1`, [electionId]);
  const manifest = parseManifest(JSON.parse(row.manifest));
  const params = createDkgParameters(g, new Uint8Array(row.manifest_hash), row.trustee_threshold, trustees.map((t) => g.fromHex(t.publicKey)));
  const dealt = trustees.map((t) => createDealing(g, params, t.index));
  const received = trustees.map(() => new Map<number, bigint>());
  for (const { dealing } of dealt) {
    for (const t of trustees) {
      if (t.index === dealing.dealer) continue;
      const r = receiveShare(g, params, dealing, t.index, t.secretKey);
      if (!r.ok) throw new Error(`honest dealing refused: ${r.reason}`);
      received[t.index - 1].set(dealing.dealer, r.share);
    }
  }
  const dealings = dealt.map((d) => d.dealing);
  const keys = deriveElectionKeys(g, params, dealings, qualifiedDealers(g, params, dealings, []));
  for (const t of trustees) t.share = finalSecretShare(g, keys, t.index, received[t.index - 1], dealt[t.index - 1].secret);
  const election = createElection(g, manifest, params.setupHash, keys, await board.electionBindings(ds, electionId));
  await ds.transaction(async (m) => {
    await m.query(`UPDATE elections SET setup_hash = $2, key_set = $3, base_hash = $4 WHERE id = $1`, [
      electionId,
      Buffer.from(params.setupHash),
      JSON.stringify(electionKeySetToJSON(g, keys)),
      Buffer.from(election.electionHash),
    ]);
    // The payload the key-ceremony module writes (§35.4).
    await board.append(m, electionId, 'election-key', {
      manifestHash: bytesToHex(election.manifestHash),
      setupHash: bytesToHex(params.setupHash),
      keySet: electionKeySetToJSON(g, keys),
      baseHash: bytesToHex(election.electionHash),
      qualified: [...keys.qualified],
      complaints: [],
      rollSize: election.bindings.rollSize,
      witnesses: election.bindings.witnesses.map(bytesToHex),
    });
  });
}
