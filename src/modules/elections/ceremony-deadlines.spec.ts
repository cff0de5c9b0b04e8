import { DomainError } from '../../common/errors/domain-error';
import { ceremonyDeadlines, DEFAULT_DEALING_HOURS, DEFAULT_VERDICT_HOURS } from './ceremony-deadlines';

const now = new Date('2027-09-01T10:00:00Z');
const H = 3_600_000;

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'accepted';
}

describe('key ceremony deadlines', () => {
  it('defaults to three days to deal and two more for the verdicts', () => {
    const d = ceremonyDeadlines(undefined, now);
    expect(d.dealing.getTime() - now.getTime()).toBe(DEFAULT_DEALING_HOURS * H);
    expect(d.verdicts.getTime() - d.dealing.getTime()).toBe(DEFAULT_VERDICT_HOURS * H);
  });

  it('takes what the official gives (any offset), and a verdict default after a given dealing deadline', () => {
    const d = ceremonyDeadlines({ dealingDeadline: '2027-09-01T12:00:00Z', verdictDeadline: '2027-09-01T15:00:00+01:00' }, now);
    expect(d.dealing.toISOString()).toBe('2027-09-01T12:00:00.000Z');
    expect(d.verdicts.toISOString()).toBe('2027-09-01T14:00:00.000Z');
    const only = ceremonyDeadlines({ dealingDeadline: '2027-09-01T12:00:00Z' }, now);
    expect(only.verdicts.getTime() - only.dealing.getTime()).toBe(DEFAULT_VERDICT_HOURS * H);
  });

  it('refuses a past dealing deadline, verdicts before dealings, a ceremony of months and text that is no date', () => {
    expect(refusal(() => ceremonyDeadlines({ dealingDeadline: '2027-09-01T09:59:59Z' }, now))).toMatch(/^deadline_invalid: .*future/);
    expect(refusal(() => ceremonyDeadlines({ dealingDeadline: '2027-09-02T10:00:00Z', verdictDeadline: '2027-09-02T10:00:00Z' }, now))).toMatch(/^deadline_invalid: .*after/);
    expect(refusal(() => ceremonyDeadlines({ verdictDeadline: '2027-09-02T10:00:00Z' }, now))).toMatch(/^deadline_invalid: .*after/);
    expect(refusal(() => ceremonyDeadlines({ dealingDeadline: '2027-12-01T10:00:00Z' }, now))).toMatch(/^deadline_invalid: .*60 days/);
    expect(refusal(() => ceremonyDeadlines({ dealingDeadline: 'tomorrow' }, now))).toMatch(/^deadline_invalid: .*not a date/);
  });
});
