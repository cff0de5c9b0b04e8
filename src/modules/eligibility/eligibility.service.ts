import { Injectable } from '@nestjs/common';
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

@Injectable()
export class DemoElectionPolicySource extends ElectionPolicySource {
  async policyFor(electionId: string): Promise<EligibilityPolicy | null> {
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
    const entry = await this.roll.find(electionId, session.nationalNumberHmac);
    return { electionId, ...evaluateEligibility(session.claims, policy, entry) };
  }
}
