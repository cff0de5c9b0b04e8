import { SANDBOX_IDENTITIES, sandboxIdentity, isCrowdIdentity } from '../sandbox-idp/identities';
import { DEMO_CONSTITUENCY, DEMO_ELECTION_DAY, DEMO_POLICY } from './demo-election';
import { birthdayAt, evaluateEligibility, isBelgianCitizenship, isCalendarDate, parseBirthDate, VOTING_AGE, type ElectionKind, type EligibilityPolicy, type RollEntry } from './eligibility';
import { parseRollCsv } from './roll.service';

const day = '2027-05-09';
const belgian = { birthdate: '1980-01-01', citizenship: 'Belg' };
const onRoll: RollEntry = { constituency: 'Leuven', basis: 'belgian' };
const policy = (kind: ElectionKind, constituency?: string): EligibilityPolicy => ({ kind, electionDay: day, ...(constituency ? { constituency } : {}) });
const rules = (r: { reasons: Array<{ rule: string }> }) => r.reasons.map((x) => x.rule);

describe('eligibility rules', () => {
  it('an adult Belgian on the roll may vote in every kind of election', () => {
    for (const kind of ['federal', 'regional', 'european', 'municipal'] as const) {
      expect(evaluateEligibility(belgian, policy(kind, 'Leuven'), onRoll)).toEqual({ eligible: true, reasons: [], constituency: 'Leuven' });
    }
  });

  describe('age: 18 on election day', () => {
    it.each([
      ['2009-05-08', true],
      ['2009-05-09', true],
      ['2009-05-10', false],
      ['2010-09-01', false],
      ['1900-01-01', true],
    ])('born %s → eligible %s', (birthdate, ok) => {
      const r = evaluateEligibility({ birthdate, citizenship: 'Belg' }, policy('federal'), onRoll);
      expect(r.eligible).toBe(ok);
      if (!ok) {
        expect(rules(r)).toEqual(['age']);
        expect(r.reasons[0].message).toMatch(/18 on election day \(2027-05-09\)/);
      }
    });

    it('someone born on 29 February comes of age on 1 March in a common year', () => {
      expect(birthdayAt('2009-02-28', 18)).toBe('2027-02-28');
      expect(birthdayAt('2008-02-29', 18)).toBe('2026-03-01');
      expect(evaluateEligibility({ birthdate: '2008-02-29', citizenship: 'Belg' }, { kind: 'federal', electionDay: '2026-02-28' }, onRoll).eligible).toBe(false);
      expect(evaluateEligibility({ birthdate: '2008-02-29', citizenship: 'Belg' }, { kind: 'federal', electionDay: '2026-03-01' }, onRoll).eligible).toBe(true);
      expect(birthdayAt('2006-02-28', 18)).toBe('2024-02-28');
    });

    it('a missing or malformed birth date is a claims problem, not a guess', () => {
      for (const birthdate of [null, undefined, '', '1980-13-01', '01/01/1980']) {
        expect(rules(evaluateEligibility({ birthdate, citizenship: 'Belg' }, policy('federal'), onRoll))).toEqual(['claims']);
      }
    });
  });

  describe('nationality, per kind of election', () => {
    const eu: RollEntry = { constituency: 'Leuven', basis: 'eu_citizen' };
    const nonEu: RollEntry = { constituency: 'Leuven', basis: 'non_eu_citizen' };
    const french = { birthdate: '1980-01-01', citizenship: 'Frans' };
    const moroccan = { birthdate: '1980-01-01', citizenship: 'Marokkaans' };

    it.each<[string, typeof french, RollEntry, ElectionKind, boolean]>([
      ['EU citizen on the roll', french, eu, 'municipal', true],
      ['EU citizen on the roll', french, eu, 'european', true],
      ['EU citizen on the roll', french, eu, 'federal', false],
      ['EU citizen on the roll', french, eu, 'regional', false],
      ['non-EU citizen on the roll', moroccan, nonEu, 'municipal', true],
      ['non-EU citizen on the roll', moroccan, nonEu, 'european', false],
      ['non-EU citizen on the roll', moroccan, nonEu, 'federal', false],
      ['non-EU citizen on the roll', moroccan, nonEu, 'regional', false],
      // The roll comes from the population register, the legal source: a text we do not recognise as Belgian does not override it.
      ['unrecognised text, on the roll as Belgian', french, onRoll, 'federal', true],
    ])('%s, %s election → %s', (_what, claims, entry, kind, ok) => {
      const r = evaluateEligibility(claims, policy(kind), entry);
      expect(r.eligible).toBe(ok);
      if (!ok) expect(rules(r)).toEqual(['nationality']);
    });

    it('recognises the card text of a Belgian citizen in the national languages', () => {
      for (const t of ['Belg', 'belge', ' Belgisch ', 'Belgier', 'BELG']) expect(isBelgianCitizenship(t)).toBe(true);
      for (const t of ['Nederlander', 'Frans', '', null, undefined]) expect(isBelgianCitizenship(t)).toBe(false);
    });

    it('explains the rule of the election kind', () => {
      expect(evaluateEligibility({ birthdate: '1980-01-01', citizenship: 'Frans' }, policy('federal'), eu).reasons[0].message).toMatch(/Only Belgian citizens vote in federal elections/);
      expect(evaluateEligibility({ birthdate: '1980-01-01', citizenship: 'Marokkaans' }, policy('european'), nonEu).reasons[0].message).toMatch(/another EU country/);
    });
  });

  describe('roll and constituency', () => {
    it('someone not on the roll is refused, whatever else holds', () => {
      const r = evaluateEligibility(belgian, policy('municipal', 'Leuven'), null);
      expect(r).toEqual({ eligible: false, reasons: [{ rule: 'roll', code: 'not_on_roll', params: {}, message: 'You are not on the voter roll of this election' }], constituency: null });
    });

    it('someone on the roll of another constituency is refused', () => {
      const r = evaluateEligibility(belgian, policy('municipal', 'Leuven'), { constituency: 'Herent', basis: 'belgian' });
      expect(rules(r)).toEqual(['constituency']);
      expect(r.reasons[0].message).toMatch(/Herent, not Leuven/);
      expect(r.constituency).toBe('Herent');
    });

    it('without a constituency in the policy, the roll assigns it', () => {
      expect(evaluateEligibility(belgian, policy('federal'), { constituency: 'Herent', basis: 'belgian' })).toEqual({ eligible: true, reasons: [], constituency: 'Herent' });
    });

    it('lists every failed rule', () => {
      expect(rules(evaluateEligibility({ birthdate: '2010-01-01', citizenship: 'Frans' }, policy('federal'), null))).toEqual(['age', 'nationality', 'roll']);
    });
  });

  describe('election law (issue 20)', () => {
    const codes = (r: { reasons: Array<{ code: string }> }) => r.reasons.map((x) => x.code);

    it('voting age per kind: 16 for European elections, 18 otherwise', () => {
      expect(VOTING_AGE).toEqual({ european: 16, federal: 18, regional: 18, municipal: 18 });
      const sixteen = { birthdate: '2010-09-01', citizenship: 'Belg' };
      expect(evaluateEligibility(sixteen, policy('european'), onRoll).eligible).toBe(true);
      for (const kind of ['municipal', 'federal', 'regional'] as const) {
        const r = evaluateEligibility(sixteen, policy(kind), onRoll);
        expect(r.reasons).toEqual([{ rule: 'age', code: 'under_age', params: { minimumAge: 18, electionDay: day, reachedOn: '2028-09-01' }, message: expect.stringMatching(/18 on election day/) }]);
      }
      expect(codes(evaluateEligibility({ birthdate: '2011-05-10', citizenship: 'Belg' }, policy('european'), onRoll))).toEqual(['under_age']);
      expect(evaluateEligibility({ birthdate: '2011-05-09', citizenship: 'Belg' }, policy('european'), onRoll).eligible).toBe(true);
    });

    it('impossible dates are refused, never rolled over', () => {
      for (const d of ['2006-02-29', '1980-02-31', '1980-04-31', '2023-13-01', '2023-00-10', '0999-01-01']) {
        expect(isCalendarDate(d)).toBe(false);
        expect(evaluateEligibility({ birthdate: d, citizenship: 'Belg' }, policy('federal'), onRoll).reasons.map((x) => [x.rule, x.code])).toEqual([['claims', 'birthdate_invalid']]);
      }
      for (const d of ['2004-02-29', '2000-02-29', '1980-01-31']) expect(isCalendarDate(d)).toBe(true);
      expect(isCalendarDate('1900-02-29')).toBe(false);
      expect(() => evaluateEligibility(belgian, { kind: 'federal', electionDay: '2027-02-29' }, onRoll)).toThrow(/calendar date/);
      expect(codes(evaluateEligibility({ birthdate: null, citizenship: 'Belg' }, policy('federal'), onRoll))).toEqual(['birthdate_missing']);
    });

    it('born on 29 February: 16 or 18 on 1 March of a common year, on 29 February of a leap year', () => {
      expect(birthdayAt('2008-02-29', 16)).toBe('2024-02-29');
      expect(birthdayAt('2008-02-29', 18)).toBe('2026-03-01');
      expect(birthdayAt('2004-02-29', 16)).toBe('2020-02-29');
      expect(birthdayAt('2007-02-28', 16)).toBe('2023-02-28');
    });

    it('an incomplete register date (00) counts from the latest possible day', () => {
      expect(parseBirthDate('1968-00-00')).toEqual({ year: 1968, month: null, day: null });
      expect(parseBirthDate('2009-05-00')).toEqual({ year: 2009, month: 5, day: null });
      expect(parseBirthDate('2009-00-05')).toBeNull();
      expect(birthdayAt('2009-05-00', 18)).toBe('2027-05-31');
      expect(birthdayAt('2009-00-00', 18)).toBe('2027-12-31');
      expect(birthdayAt('2008-02-00', 18)).toBe('2026-03-01');
      expect(evaluateEligibility({ birthdate: '1968-00-00', citizenship: 'Belg' }, policy('federal'), onRoll).eligible).toBe(true);
      const r = evaluateEligibility({ birthdate: '2009-05-00', citizenship: 'Belg' }, policy('municipal'), onRoll);
      expect(r.reasons).toEqual([{ rule: 'age', code: 'under_age_birthdate_incomplete', params: { minimumAge: 18, electionDay: day, reachedOn: '2027-05-31' }, message: expect.stringMatching(/ask your municipality/) }]);
      expect(evaluateEligibility({ birthdate: '2009-04-00', citizenship: 'Belg' }, policy('municipal'), onRoll).eligible).toBe(true);
    });

    it('citizenship: the ISO code first, then the document text, then the roll basis', () => {
      expect(evaluateEligibility({ birthdate: '1980-01-01', citizenship: 'Belgische nationaliteit', citizenshipIso: 'BEL' }, policy('federal'), null).reasons.map((x) => x.rule)).toEqual(['roll']);
      expect(rules(evaluateEligibility({ birthdate: '1980-01-01', citizenship: 'Belg', citizenshipIso: 'FRA' }, policy('federal'), onRoll))).toEqual(['nationality']);
      expect(evaluateEligibility({ birthdate: '1980-01-01', citizenship: 'BELG/BELGE' }, policy('federal'), onRoll).eligible).toBe(true);
      expect(evaluateEligibility({ birthdate: '1980-01-01', citizenship: null }, policy('federal'), onRoll).eligible).toBe(true);
      expect(rules(evaluateEligibility({ birthdate: '1980-01-01', citizenship: null }, policy('federal'), { constituency: 'Leuven', basis: 'eu_citizen' }))).toEqual(['nationality']);
    });

    it('a foreign-document account (no national number) is told to ask the municipality, not "not on the roll"', () => {
      const dutch = { birthdate: '1990-04-12', citizenship: 'NLD', citizenshipIso: 'NLD', foreignDocument: true };
      const municipal = evaluateEligibility(dutch, policy('municipal', 'Leuven'), null);
      expect(municipal).toEqual({ eligible: false, constituency: null, reasons: [{ rule: 'roll', code: 'foreign_document', params: {}, message: expect.stringMatching(/foreign identity document.*ask your municipality/) }] });
      expect(codes(evaluateEligibility(dutch, policy('european'), null))).toEqual(['foreign_document']);
      expect(codes(evaluateEligibility(dutch, policy('federal'), null))).toEqual(['nationality', 'foreign_document']);
    });
  });

  describe('the sandbox identities against the demo election', () => {
    const expected: Record<string, string[]> = {
      official: [],
      voter: [],
      'eighteen-day-before': [],
      'eighteen-on-day': [],
      'eighteen-day-after': ['age'],
      minor: ['age'],
      'eu-resident': [],
      'non-eu-resident': [],
      'eu-not-registered': ['nationality', 'roll'],
      'other-municipality': ['roll'],
      'other-constituency': ['constituency'],
      'foreign-document': ['roll'],
      'birthdate-as-string': [],
      'birthdate-day-unknown': ['age'],
      'iso-citizenship': [],
      'unrecognised-citizenship': [],
      'acr-capital-v': [],
      'trustee-1': [],
      'trustee-2': [],
      'trustee-3': [],
    };

    it('covers every identity of the fixture', () => {
      // (Generated crowd voters are all ordinary eligible voters: checked in sandbox-idp/identities.spec.ts.)
      expect(SANDBOX_IDENTITIES.filter((i) => !isCrowdIdentity(i)).map((i) => i.key).sort()).toEqual(Object.keys(expected).sort());
    });

    it.each(Object.entries(expected))('%s → %j', (key, failed) => {
      const i = sandboxIdentity(key);
      const foreignDocument = i.document === 'foreign';
      const r = evaluateEligibility({ birthdate: i.birthdate, citizenship: i.citizenship, citizenshipIso: i.citizenshipIso, foreignDocument }, DEMO_POLICY, foreignDocument ? null : i.roll);
      expect(rules(r)).toEqual(failed);
      expect(r.eligible).toBe(failed.length === 0);
    });

    it('the age edge cases sit around the demo election day', () => {
      expect(DEMO_POLICY.electionDay).toBe(DEMO_ELECTION_DAY);
      expect(DEMO_POLICY.constituency).toBe(DEMO_CONSTITUENCY);
      expect(birthdayAt(sandboxIdentity('eighteen-day-before').birthdate, 18)).toBe('2027-05-08');
      expect(birthdayAt(sandboxIdentity('eighteen-on-day').birthdate, 18)).toBe(DEMO_ELECTION_DAY);
      expect(birthdayAt(sandboxIdentity('eighteen-day-after').birthdate, 18)).toBe('2027-05-10');
    });

    it('but the EU and non-EU residents may not vote in a federal election', () => {
      for (const key of ['eu-resident', 'non-eu-resident']) {
        const i = sandboxIdentity(key);
        expect(rules(evaluateEligibility(i, { kind: 'federal', electionDay: DEMO_ELECTION_DAY }, i.roll))).toEqual(['nationality']);
      }
      const nonEu = sandboxIdentity('non-eu-resident');
      expect(rules(evaluateEligibility(nonEu, { kind: 'european', electionDay: DEMO_ELECTION_DAY }, nonEu.roll))).toEqual(['nationality']);
    });
  });
});

describe('roll CSV', () => {
  it('reads lines with their numbers, an optional header, comments, quotes and semicolons', () => {
    const csv = '# exported 2027-01-01\nnational_number,constituency,basis\n85073003328,Leuven,belgian\n\n"17073003384";"Herent";"eu_citizen"\r\nbad,line\n';
    expect(parseRollCsv(csv)).toEqual([
      { nationalNumber: '85073003328', constituency: 'Leuven', basis: 'belgian', line: 3 },
      { nationalNumber: '17073003384', constituency: 'Herent', basis: 'eu_citizen', line: 5 },
      { nationalNumber: 'bad', constituency: 'line', basis: '', line: 6 },
    ]);
  });
});
