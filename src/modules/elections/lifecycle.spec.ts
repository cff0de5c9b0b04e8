import fc from 'fast-check';
import { acceptsBallots, ELECTION_STATUSES, isEditable, nextStatus, scheduledAction, TransitionRefused, TRANSITIONS, type ElectionAction } from './lifecycle';

describe('election lifecycle', () => {
  it('goes draft → key ceremony → open → closed → tallied → published, and no other way', () => {
    let s = nextStatus('draft', 'start_key_ceremony');
    expect(s).toBe('key_ceremony');
    s = nextStatus(s, 'open');
    s = nextStatus(s, 'close');
    s = nextStatus(s, 'record_tally');
    expect(nextStatus(s, 'publish')).toBe('published');
  });

  it('refuses every action from every state but its own, naming both', () => {
    for (const status of ELECTION_STATUSES) {
      for (const action of Object.keys(TRANSITIONS) as ElectionAction[]) {
        if (TRANSITIONS[action].from === status) continue;
        expect(() => nextStatus(status, action)).toThrow(TransitionRefused);
      }
    }
    expect(() => nextStatus('closed', 'open')).toThrow(/Cannot open an election that is closed \(it must be key ceremony\)/);
  });

  it('requires step-up for every official action but recording the tally (the trustees\' decryption)', () => {
    expect(Object.entries(TRANSITIONS).filter(([, t]) => t.stepUp).map(([a]) => a).sort()).toEqual(['abandon_ceremony', 'archive', 'close', 'open', 'publish', 'start_key_ceremony']);
  });

  it('lets the manifest change only in draft', () => {
    expect(ELECTION_STATUSES.filter(isEditable)).toEqual(['draft']);
  });

  it('accepts ballots only while open and inside the schedule', () => {
    const opensAt = new Date('2027-05-09T06:00:00Z');
    const closesAt = new Date('2027-05-09T14:00:00Z');
    fc.assert(
      fc.property(fc.constantFrom(...ELECTION_STATUSES), fc.date({ min: new Date('2027-05-08T00:00:00Z'), max: new Date('2027-05-10T00:00:00Z'), noInvalidDate: true }), (status, now) => {
        const inside = now >= opensAt && now < closesAt;
        expect(acceptsBallots(status, now, { opensAt, closesAt })).toBe(status === 'open' && inside);
      }),
    );
    expect(acceptsBallots('open', new Date(), {})).toBe(true);
  });

  it('the server clock opens and closes scheduled elections at their times', () => {
    const schedule = { opensAt: new Date('2027-05-09T06:00:00Z'), closesAt: new Date('2027-05-09T14:00:00Z') };
    expect(scheduledAction('key_ceremony', new Date('2027-05-09T05:59:59Z'), schedule)).toBeNull();
    expect(scheduledAction('key_ceremony', new Date('2027-05-09T06:00:00Z'), schedule)).toBe('open');
    expect(scheduledAction('draft', new Date('2027-05-09T07:00:00Z'), schedule)).toBeNull(); // no key yet: never opens
    expect(scheduledAction('open', new Date('2027-05-09T13:59:59Z'), schedule)).toBeNull();
    expect(scheduledAction('open', new Date('2027-05-09T14:00:00Z'), schedule)).toBe('close');
    expect(scheduledAction('key_ceremony', new Date('2027-05-09T15:00:00Z'), schedule)).toBeNull(); // missed window
    expect(scheduledAction('closed', new Date('2027-05-09T15:00:00Z'), schedule)).toBeNull();
  });
});
