import { parseManifest } from '../../crypto/ballot/manifest';
import { resultsCsv, summarizeResults } from './results';

const manifest = parseManifest({
  electionId: 'e1',
  title: 'Test',
  contests: [
    { id: 'council', title: 'Council, "the"', kind: 'one-of-m', minSelections: 1, maxSelections: 1, blankAllowed: true, options: [{ id: 'a', title: 'List A' }, { id: 'b', title: 'List B' }] },
    { id: 'board', title: 'Board', kind: 'k-of-m', minSelections: 1, maxSelections: 2, blankAllowed: false, options: [{ id: 'x', title: 'X' }, { id: 'y', title: 'Y' }, { id: 'z', title: 'Z' }] },
  ],
});

describe('results summary', () => {
  it('shares, blanks where the totals determine them, and turnout against the roll', () => {
    const s = summarizeResults(manifest, { council: { a: 3, b: 1 }, board: { x: 5, y: 2, z: 0 } }, 5, 8);
    expect(s.turnoutPercent).toBe(62.5);
    const [council, board] = s.contests;
    expect(council.blank).toBe(1);
    expect(council.options.map((o) => o.percent)).toEqual([75, 25]);
    // k-of-m: share of counted ballots that chose the option; blanks cannot be told from the totals.
    expect(board.blank).toBeNull();
    expect(board.options.map((o) => o.percent)).toEqual([100, 40, 0]);
  });

  it('nothing counted: no shares (not NaN), no turnout without a roll size', () => {
    const s = summarizeResults(manifest, {}, 0, null);
    expect(s.turnoutPercent).toBeNull();
    expect(s.contests[0].options.every((o) => o.votes === 0 && o.percent === null)).toBe(true);
    expect(s.contests[0].blank).toBe(0);
  });

  it('CSV quotes titles with commas and quotes (RFC 4180) and ends every row with CRLF', () => {
    const csv = resultsCsv('e1', summarizeResults(manifest, { council: { a: 3, b: 1 }, board: { x: 5, y: 2, z: 0 } }, 5, 8));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('election_id,contest_id,contest,option_id,option,votes,percent');
    expect(lines[1]).toBe('e1,council,"Council, ""the""",a,List A,3,75');
    expect(lines).toContain('e1,council,"Council, ""the""",,blank,1,');
    expect(lines).toContain('e1,,counted ballots,,,5,62.5');
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
