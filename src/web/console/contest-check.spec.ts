import { parseManifest } from '../../crypto/ballot/manifest';
import { contestProblems, previewManifest } from './contest-check';

const council = () => ({ id: 'council', title: 'Council', kind: 'one-of-m', minSelections: 1, maxSelections: 1, blankAllowed: true, options: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }] });
const board = () => ({ id: 'board', title: 'Board', kind: 'k-of-m', minSelections: 1, maxSelections: 2, blankAllowed: false, options: [{ id: 'x', title: 'X' }, { id: 'y', title: 'Y' }, { id: 'z', title: 'Z' }] });

const accepted = (contests: unknown) => {
  try {
    parseManifest({ electionId: 'e', title: 'E', contests });
    return true;
  } catch {
    return false;
  }
};

/** Each case: a change to valid contests and the field the form must name. */
const cases: Array<[string, (c: any[]) => void, string]> = [
  ['an option id with a capital', (c) => (c[1].options[1].id = 'Y'), 'c1.o1.id'],
  ['an empty contest title', (c) => (c[0].title = ''), 'c0.title'],
  ['a title not in NFC', (c) => (c[1].options[0].title = 'e\u0301'), 'c1.o0.title'],
  ['a control character in a title', (c) => (c[0].title = 'a\u0007'), 'c0.title'],
  ['a duplicate contest id', (c) => (c[1].id = 'council'), 'c1.id'],
  ['a duplicate option id', (c) => (c[1].options[2].id = 'x'), 'c1.rule'],
  ['max above the number of options', (c) => (c[1].maxSelections = 4), 'c1.rule'],
  ['one-of-m with max 2', (c) => (c[0].maxSelections = 2), 'c0.rule'],
  ['blank allowed with min 2', (c) => Object.assign(c[1], { minSelections: 2, blankAllowed: true }), 'c1.rule'],
  ['a referendum with three options', (c) => (c[1].kind = 'referendum', c[1].maxSelections = 1), 'c1.rule'],
  ['a single option', (c) => c[0].options.pop(), 'c0.rule'],
  ['a fractional max', (c) => (c[1].maxSelections = 1.5), 'c1.maxSelections'],
  ['no max at all (an empty number field)', (c) => (c[1].maxSelections = null), 'c1.maxSelections'],
  ['an unknown kind', (c) => (c[0].kind = 'ranked'), 'c0.kind'],
  ['an unexpected key from the raw view', (c) => (c[0].colour = 'red'), 'all'],
];

describe("the console's contest checks agree with the manifest parser, field by field", () => {
  it('valid contests: no problem, and the preview is the parsed manifest', () => {
    const contests = [council(), board()];
    expect(contestProblems(contests).size).toBe(0);
    expect(previewManifest(contests, 'Two')?.contests.map((c) => c.id)).toEqual(['council', 'board']);
  });

  it.each(cases)('%s: refused by the parser and named on its field', (_, change, field) => {
    const contests: any[] = [council(), board()];
    change(contests);
    expect(accepted(contests)).toBe(false);
    const problems = contestProblems(contests);
    expect([...problems.keys()]).toContain(field);
    expect(previewManifest(contests, 'Two')).toBeNull();
  });

  it('not an array, or no contest: a problem, as for the parser', () => {
    expect(contestProblems({}).get('all')).toMatch(/array/);
    expect(contestProblems([]).size).toBeGreaterThan(0);
    expect(accepted([])).toBe(false);
  });
});
