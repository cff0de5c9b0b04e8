/**
 * The contests form editor's checks, field by field, on the cryptographic core's own rules (the same
 * parseManifest / validateContest the API and every voter's device apply), so the form never accepts what
 * the server refuses nor refuses what it accepts. Pure: no DOM.
 */
import { CryptoError } from '../../crypto/errors';
import { CONTEST_KINDS, type Contest, ID_PATTERN, type Manifest, parseManifest, validateContest } from '../../crypto/ballot/manifest';

/** Where a problem shows: `c<i>.<field>`, `c<i>.o<j>.<field>`, `c<i>.rule` (the contest's selection rules) or `all`. */
export type FieldKey = string;

/** A valid one-contest manifest into which one title at a time is put, to check it with the core's title rules. */
const TEMPLATE_CONTEST = { id: 'c', title: 'c', kind: 'one-of-m', minSelections: 1, maxSelections: 1, blankAllowed: false, options: [{ id: 'a', title: 'a' }, { id: 'b', title: 'b' }] };

function message(e: unknown): string {
  return e instanceof CryptoError ? e.message : String(e);
}

/** The core's verdict on one title, without its "where" prefix (the form shows it beside the field). */
export function titleProblem(v: unknown): string | null {
  try {
    parseManifest({ electionId: 'preview', title: v, contests: [TEMPLATE_CONTEST] });
    return null;
  } catch (e) {
    return message(e).replace(/^manifest title: /, '');
  }
}

function idProblem(v: unknown): string | null {
  return typeof v === 'string' && ID_PATTERN.test(v) ? null : `expected an id matching ${ID_PATTERN.source}`;
}

function countProblem(v: unknown): string | null {
  return typeof v === 'number' && Number.isSafeInteger(v) ? null : 'expected an integer';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every problem of a contests array, keyed by the field it belongs to. Empty exactly when
 * `parseManifest({ electionId, title, contests })` accepts the contests (a final whole check catches what
 * no single field names, such as an unexpected key from the raw JSON view).
 */
export function contestProblems(contests: unknown): Map<FieldKey, string> {
  const out = new Map<FieldKey, string>();
  const put = (k: FieldKey, p: string | null) => {
    if (p !== null && !out.has(k)) out.set(k, p);
  };
  if (!Array.isArray(contests)) {
    put('all', 'contests: expected a JSON array');
    return out;
  }
  const seen = new Map<unknown, number>();
  contests.forEach((c, i) => {
    if (!isObject(c)) return put(`c${i}.rule`, 'expected a JSON object');
    put(`c${i}.id`, idProblem(c.id));
    if (seen.has(c.id)) put(`c${i}.id`, 'duplicate contest id');
    seen.set(c.id, i);
    put(`c${i}.title`, titleProblem(c.title));
    if (!CONTEST_KINDS.includes(c.kind as never)) put(`c${i}.kind`, `kind must be one of ${CONTEST_KINDS.join(', ')}`);
    put(`c${i}.minSelections`, countProblem(c.minSelections));
    put(`c${i}.maxSelections`, countProblem(c.maxSelections));
    if (typeof c.blankAllowed !== 'boolean') put(`c${i}.blankAllowed`, 'blankAllowed must be a boolean');
    const options = Array.isArray(c.options) ? c.options : [];
    if (!Array.isArray(c.options)) put(`c${i}.rule`, 'options: expected a JSON array');
    options.forEach((o, j) => {
      if (!isObject(o)) return put(`c${i}.o${j}.title`, 'expected a JSON object');
      put(`c${i}.o${j}.id`, idProblem(o.id));
      put(`c${i}.o${j}.title`, titleProblem(o.title));
    });
    // The selection rules, once the fields they read are well typed: the core's own check.
    if (![`c${i}.kind`, `c${i}.minSelections`, `c${i}.maxSelections`, `c${i}.blankAllowed`].some((k) => out.has(k))) {
      try {
        validateContest({ ...(c as unknown as Contest), id: String(c.id), options: options.map((o) => (isObject(o) ? { id: String(o.id), title: String(o.title) } : { id: '', title: '' })) });
      } catch (e) {
        put(`c${i}.rule`, message(e).replace(/^contest [^:]*: /, ''));
      }
    }
  });
  if (out.size === 0) {
    try {
      parseManifest({ electionId: 'preview', title: 'preview', contests });
    } catch (e) {
      put('all', message(e));
    }
  }
  return out;
}

/** The manifest the contests make, for the preview, or null while the form has problems. */
export function previewManifest(contests: unknown, title: string): Manifest | null {
  if (contestProblems(contests).size > 0) return null;
  return parseManifest({ electionId: 'preview', title: titleProblem(title) === null ? title : 'preview', contests });
}
