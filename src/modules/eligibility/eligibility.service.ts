import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../../common/errors/domain-error';
import type { SessionPrincipal } from '../identity/session.service';
import { DEMO_ELECTION_ID, DEMO_POLICY } from './demo-election';
import { evaluateEligibility, type EligibilityPolicy, type EligibilityResult } from './eligibility';
import { RollService } from './roll.service';

/**
 * Where an election's eligibility policy comes from. Until the elections module provides its own
 * (overriding this provider), only the demo election is known.
 */
export abstract class ElectionPolicySource {
  abstract policyFor(electionId: string): Promise<EligibilityPolicy | null>;
}

/**
 * The policy from the election's own definition (kind, election day, constituency). The demo election's
 * constant policy answers for its id until a demo election row exists (the sandbox seeds its roll first).
 */
@Injectable()
export class DatabaseElectionPolicySource extends ElectionPolicySource {
  constructor(private readonly db: DataSource) {
    super();
  }

  async policyFor(electionId: string): Promise<EligibilityPolicy | null> {
    const rows: Array<{ kind: EligibilityPolicy['kind']; election_day: string; constituency: string | null }> = await this.db.query(
      `SELECT kind, to_char(election_day, 'YYYY-MM-DD') AS election_day, constituency FROM elections WHERE id = $1`,
      [electionId],
    );
    if (rows.length === 1) {
      const r = rows[0];
      return { kind: r.kind, electionDay: r.election_day, ...(r.constituency ? { constituency: r.constituency } : {}) };
    }
    return electionId === DEMO_ELECTION_ID ? DEMO_POLICY : null;
  }
}

@Injectable()
export class EligibilityService {
  constructor(
    private readonly policies: ElectionPolicySource,
    private readonly roll: RollService,
  ) {}

  /** The eligibility of a logged-in voter for an election, from the session's verified claims and the roll. */
  async check(session: SessionPrincipal, electionId: string): Promise<EligibilityResult & { electionId: string }> {
    const policy = await this.policies.policyFor(electionId);
    if (!policy) throw new NotFoundError('election_not_found', 'No such election');
    // Without a national number (an account enrolled with a foreign document) the roll cannot be
    // consulted: the rules say so to the voter rather than "not on the roll".
    const hmac = session.nationalNumberHmac;
    const entry = hmac ? await this.roll.find(electionId, hmac) : null;
    return { electionId, ...evaluateEligibility({ ...session.claims, foreignDocument: hmac === null }, policy, entry) };
  }
}
