import { isValidNationalNumber } from '../identity/national-number';
import { birthdayAt, evaluateEligibility } from '../eligibility/eligibility';
import { DEMO_POLICY } from '../eligibility/demo-election';
import { SANDBOX_CROWD_SIZE, SANDBOX_IDENTITIES, crowdIdentity, crowdSizeFrom } from './identities';

describe('sandbox identities', () => {
  it('are all 16 or older today, as itsme users are', () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const i of SANDBOX_IDENTITIES) expect([i.key, birthdayAt(i.birthdate, 16) <= today]).toEqual([i.key, true]);
  });
});

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

describe('sandbox crowd size (SANDBOX_CROWD_SIZE)', () => {
  it('defaults to 200 and refuses what is not a bounded integer', () => {
    expect(crowdSizeFrom({})).toBe(200);
    expect(crowdSizeFrom({ SANDBOX_CROWD_SIZE: '' })).toBe(200);
    expect(crowdSizeFrom({ SANDBOX_CROWD_SIZE: '50000' })).toBe(50_000);
    for (const bad of ['-1', '1e5', 'many', '1000001']) expect(() => crowdSizeFrom({ SANDBOX_CROWD_SIZE: bad })).toThrow(/SANDBOX_CROWD_SIZE/);
  });

  it('a large crowd keeps the first 200 as they were and gives every later voter a distinct, valid, eligible identity', () => {
    // The numbers crowd-001, -137 and -200 had before the crowd size became configurable.
    expect([1, 137, 200].map((n) => crowdIdentity(n).nationalNumber)).toEqual(['60030810167', '85021723782', '96090830084']);
    const sample = [...Array.from({ length: 200 }, (_, i) => i + 1), ...Array.from({ length: 20_000 }, (_, i) => 201 + i * 7), 1_000_000];
    const numbers = new Set<string>();
    for (const n of sample) {
      const c = crowdIdentity(n);
      expect(isValidNationalNumber(c.nationalNumber)).toBe(true);
      numbers.add(c.nationalNumber);
      if (n % 997 === 0 || n === 1_000_000) {
        const claims = { birthdate: c.birthdate, citizenship: c.citizenship };
        expect(evaluateEligibility(claims as never, DEMO_POLICY, { constituency: 'Leuven', basis: 'belgian' }).eligible).toBe(true);
      }
    }
    expect(numbers.size).toBe(sample.length);
  });
});
