/**
 * The published result as observers read it: per option its count and share, the blank ballots where the
 * totals determine them, and turnout against the roll size bound into H. Pure (no DOM), shared by the page
 * and its CSV/JSON export so the two can never disagree.
 */
/** What the summary reads of a manifest (the verified one, or the election view's copy). */
export interface ResultManifest {
  readonly contests: ReadonlyArray<{ readonly id: string; readonly title: string; readonly maxSelections: number; readonly options: ReadonlyArray<{ readonly id: string; readonly title: string }> }>;
}

export interface OptionResult {
  readonly id: string;
  readonly title: string;
  readonly votes: number;
  /** Share in percent: of the non-blank ballots where a ballot selects one option, else of the counted ballots. */
  readonly percent: number | null;
}

export interface ContestResult {
  readonly id: string;
  readonly title: string;
  readonly options: readonly OptionResult[];
  /**
   * Blank ballots: counted − Σ votes when a ballot selects at most one option (then the totals determine
   * them); null for k-of-m contests, where totals alone cannot tell a blank ballot from fewer selections.
   */
  readonly blank: number | null;
}

export interface ResultSummary {
  readonly counted: number;
  readonly rollSize: number | null;
  readonly turnoutPercent: number | null;
  readonly contests: readonly ContestResult[];
}

const percentOf = (part: number, whole: number): number | null => (whole > 0 ? Math.round((1000 * 100 * part) / whole) / 1000 : null);

export function summarizeResults(manifest: ResultManifest, results: Record<string, Record<string, number>>, counted: number, rollSize: number | null): ResultSummary {
  return {
    counted,
    rollSize,
    turnoutPercent: rollSize === null ? null : percentOf(counted, rollSize),
    contests: manifest.contests.map((c) => {
      const counts = results[c.id] ?? {};
      const votes = (id: string) => counts[id] ?? 0;
      const sum = c.options.reduce((a, o) => a + votes(o.id), 0);
      const single = c.maxSelections === 1;
      const blank = single ? Math.max(0, counted - sum) : null;
      const base = single ? sum : counted;
      return { id: c.id, title: c.title, blank, options: c.options.map((o) => ({ id: o.id, title: o.title, votes: votes(o.id), percent: percentOf(votes(o.id), base) })) };
    }),
  };
}

const csvField = (v: string | number | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** RFC 4180 CSV: one row per option and one per contest's blank ballots, with ids for machines and titles for people. */
export function resultsCsv(electionId: string, s: ResultSummary): string {
  const rows: Array<Array<string | number | null>> = [['election_id', 'contest_id', 'contest', 'option_id', 'option', 'votes', 'percent']];
  for (const c of s.contests) {
    for (const o of c.options) rows.push([electionId, c.id, c.title, o.id, o.title, o.votes, o.percent]);
    if (c.blank !== null) rows.push([electionId, c.id, c.title, '', 'blank', c.blank, null]);
  }
  rows.push([electionId, '', 'counted ballots', '', '', s.counted, s.turnoutPercent]);
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
