import type { EligibilityPolicy } from './eligibility';

/**
 * The demo election every development instance knows about, until the elections module manages real
 * ones. The sandbox identities' edge cases (turning 18 the day before / on / after) are relative to
 * this day.
 */
export const DEMO_ELECTION_DAY = '2027-05-09';
export const DEMO_ELECTION_ID = '00000000-0000-4000-8000-000000002027';
export const DEMO_CONSTITUENCY = 'Leuven';

export const DEMO_POLICY: EligibilityPolicy = { kind: 'municipal', electionDay: DEMO_ELECTION_DAY, constituency: DEMO_CONSTITUENCY };
