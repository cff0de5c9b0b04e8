import { isValidNationalNumber } from '../identity/national-number';
import { evaluateEligibility } from '../eligibility/eligibility';
import { DEMO_POLICY } from '../eligibility/demo-election';
import { SANDBOX_CROWD_SIZE, SANDBOX_IDENTITIES, crowdIdentity } from './identities';

describe('sandbox crowd voters', () => {
  it('have unique keys, subjects and valid national numbers, and are eligible in the demo election', () => {
    const crowd = Array.from({ length: SANDBOX_CROWD_SIZE }, (_, i) => crowdIdentity(i + 1));
    expect(new Set(SANDBOX_IDENTITIES.map((i) => i.key)).size).toBe(SANDBOX_IDENTITIES.length);
    expect(new Set(SANDBOX_IDENTITIES.map((i) => i.sub)).size).toBe(SANDBOX_IDENTITIES.length);
    expect(new Set(SANDBOX_IDENTITIES.map((i) => i.nationalNumber)).size).toBe(SANDBOX_IDENTITIES.length);
    for (const c of crowd) {
      expect(isValidNationalNumber(c.nationalNumber)).toBe(true);
      const claims = { birthdate: c.birthdate, citizenship: c.citizenship };
      expect(evaluateEligibility(claims as never, DEMO_POLICY, { constituency: 'Leuven', basis: 'belgian' }).eligible).toBe(true);
    }
  });
});
