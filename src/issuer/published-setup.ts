import { Injectable } from '@nestjs/common';
import { DependencyUnavailableError, StateError } from '../common/errors/domain-error';
import { bytesToHex } from '../crypto/encoding';
import { defaultGroup } from '../crypto/group';
import { verifyElectionSetup } from '../crypto/record/election-setup';
import { IssuerConfig } from './issuer-config';

/** What this issuer was told about an election, to be found on its public board. */
export interface ExpectedSetup {
  /** This issuer's key id in the election: the key's thumbprint, which verifyElectionSetup recomputes for every listed key. */
  keyId: string;
  kind: string;
  electionDay: string;
  constituency: string | null;
  rollSize: number;
}

/**
 * Reads the election's setup from the platform's public board (GET /elections/:id/board/setup: entries
 * with inclusion proofs in a signed head, protocol §55.9) and checks it with the same function voters'
 * devices use, then compares it with what this issuer holds. Answers H (hex).
 */
@Injectable()
export class PublishedSetupCheck {
  constructor(private readonly config: IssuerConfig) {}

  async check(electionId: string, expected: ExpectedSetup): Promise<string> {
    const base = this.config.ISSUER_PLATFORM_URL.replace(/\/$/, '');
    let proof: unknown;
    try {
      const res = await fetch(`${base}/elections/${electionId}/board/setup`, { signal: AbortSignal.timeout(30_000) });
      if (res.status !== 200) throw new Error(`the board's setup answered ${res.status}`);
      proof = await res.json();
    } catch (e) {
      throw new DependencyUnavailableError('platform_unavailable', `This issuer cannot read the election's board (${e instanceof Error ? e.message : String(e)}); try again`);
    }
    const r = verifyElectionSetup(defaultGroup, proof, electionId);
    const refuse = (why: string) => new StateError('setup_mismatch', `This issuer does not open the election: ${why}`);
    if (!r.ok) throw refuse(`its setup on the board does not verify (${r.failures[0]})`);
    if (!r.setup.election || !r.setup.bindings) throw refuse('the key ceremony is not on the board');
    const mine = r.setup.issuers.find((i) => i.id === expected.keyId);
    if (!mine) throw refuse("this issuer's key is not in the election's issuer-keys entry");
    const p = r.setup.parameters;
    if (p.kind !== expected.kind || p.electionDay !== expected.electionDay || (p.constituency ?? null) !== expected.constituency) {
      throw refuse('the published rules (kind, election day, constituency) are not the ones this issuer was given');
    }
    if (r.setup.bindings.rollSize !== expected.rollSize) {
      throw refuse(`the published roll size (${r.setup.bindings.rollSize}) is not the size of this issuer's roll (${expected.rollSize})`);
    }
    return bytesToHex(r.setup.election.electionHash);
  }
}
