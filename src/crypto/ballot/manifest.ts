/**
 * The election manifest: contests, their ordered options and selection rules, with strict validation, a
 * canonical JSON encoding and the manifest hash. See docs/protocol.md §40.
 *
 * Selection rules. Every contest has 1 ≤ minSelections ≤ maxSelections ≤ m (m = number of options). A ballot
 * selects each option 0 or 1 times; the number of selections s must satisfy minSelections ≤ s ≤ maxSelections,
 * or s = 0 if `blankAllowed`. Because the contest proof is a single range proof over [lo, maxSelections], a
 * blank-allowed contest must have minSelections = 1 (so {0} ∪ [1, max] = [0, max] is an interval); lo is 0 for
 * blank-allowed contests and minSelections otherwise.
 *
 *   one-of-m    m ≥ 2, minSelections = maxSelections = 1
 *   k-of-m      m ≥ 2 (approval: minSelections = 1, maxSelections = m)
 *   referendum  exactly 2 options (e.g. yes, no), minSelections = maxSelections = 1
 */
import { bytesToUtf8, expectArray, expectObject, utf8ToBytes } from '../encoding';
import { CryptoError, cryptoAssert } from '../errors';
import type { Group } from '../group';
import { ZERO_HASH, transcriptHash } from '../threshold/binding';

/** Domain tag of the manifest hash. */
export const MANIFEST_DOMAIN = 'evote/v1/manifest';
/** Contest kinds. */
export const CONTEST_KINDS = Object.freeze(['one-of-m', 'k-of-m', 'referendum'] as const);
export type ContestKind = (typeof CONTEST_KINDS)[number];

/** Limits of a manifest (they bound ballot size and verification time). */
export const MANIFEST_LIMITS = Object.freeze({
  contests: 64,
  options: 64,
  idLength: 64,
  titleLength: 256,
});

/** Identifier syntax of elections, contests and options: lowercase ASCII, digits, `-`, `_`; 1..64 chars. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** One option of a contest. */
export interface ManifestOption {
  readonly id: string;
  readonly title: string;
}

/** One contest. `options` are ordered: ballots list them in this order. */
export interface Contest {
  readonly id: string;
  readonly title: string;
  readonly kind: ContestKind;
  readonly minSelections: number;
  readonly maxSelections: number;
  readonly blankAllowed: boolean;
  readonly options: readonly ManifestOption[];
}

/** The manifest. `contests` are ordered: ballots list them in this order. */
export interface Manifest {
  readonly electionId: string;
  readonly title: string;
  readonly contests: readonly Contest[];
}

function bad(message: string): never {
  throw new CryptoError('INVALID_MANIFEST', message);
}

function id(v: unknown, what: string): string {
  if (typeof v !== 'string' || !ID_PATTERN.test(v)) bad(`${what}: expected an id matching ${ID_PATTERN.source}`);
  return v;
}

function title(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length === 0) bad(`${what}: expected a non-empty string`);
  // Lone surrogates would not survive UTF-8; non-NFC text would give two encodings of "the same" title.
  let roundTrip: string;
  try {
    roundTrip = bytesToUtf8(utf8ToBytes(v));
  } catch {
    bad(`${what}: not valid Unicode`);
  }
  if (roundTrip !== v || v.normalize('NFC') !== v) bad(`${what}: must be well-formed Unicode in NFC`);
  if (/[\u0000-\u001f\u007f]/.test(v)) bad(`${what}: control characters are not allowed`);
  if ([...v].length > MANIFEST_LIMITS.titleLength) bad(`${what}: longer than ${MANIFEST_LIMITS.titleLength} characters`);
  return v;
}

function count(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) bad(`${what}: expected an integer`);
  return v;
}

/** The lowest number of selections the contest's range proof accepts: 0 if blank is allowed, else minSelections. */
export function contestLowerBound(c: Contest): number {
  return c.blankAllowed ? 0 : c.minSelections;
}

/**
 * Checks the rules of one contest (see the module comment).
 * @throws CryptoError `INVALID_MANIFEST`.
 */
export function validateContest(c: Contest): void {
  const m = c.options.length;
  const where = `contest ${c.id}`;
  if (m < 2 || m > MANIFEST_LIMITS.options) bad(`${where}: needs 2..${MANIFEST_LIMITS.options} options`);
  const ids = new Set(c.options.map((o) => o.id));
  if (ids.size !== m) bad(`${where}: duplicate option id`);
  if (!(c.minSelections >= 1 && c.minSelections <= c.maxSelections && c.maxSelections <= m)) {
    bad(`${where}: need 1 ≤ minSelections ≤ maxSelections ≤ ${m}`);
  }
  if (c.kind === 'one-of-m' && !(c.minSelections === 1 && c.maxSelections === 1)) bad(`${where}: one-of-m needs min = max = 1`);
  if (c.kind === 'referendum' && !(m === 2 && c.minSelections === 1 && c.maxSelections === 1)) {
    bad(`${where}: a referendum has exactly 2 options and min = max = 1`);
  }
  if (c.blankAllowed && c.minSelections !== 1) bad(`${where}: a blank-allowed contest needs minSelections = 1`);
}

/**
 * Strict parsing and validation of a manifest from JSON: exact keys at every level, ids per {@link ID_PATTERN},
 * titles non-empty NFC without control characters, unique contest ids, unique option ids within a contest,
 * the contest rules of {@link validateContest}. Returns a deeply frozen copy.
 * @throws CryptoError `INVALID_MANIFEST` (every failure, including JSON shape).
 */
export function parseManifest(json: unknown): Manifest {
  try {
    const o = expectObject(json, ['electionId', 'title', 'contests'], 'manifest');
    const contestsJson = expectArray(o.contests, 'contests', MANIFEST_LIMITS.contests);
    if (contestsJson.length === 0) bad('manifest: at least one contest');
    const contests = contestsJson.map((cj, ci) => {
      const c = expectObject(
        cj,
        ['id', 'title', 'kind', 'minSelections', 'maxSelections', 'blankAllowed', 'options'],
        `contest ${ci}`,
      );
      if (!CONTEST_KINDS.includes(c.kind as ContestKind)) bad(`contest ${ci}: kind must be one of ${CONTEST_KINDS.join(', ')}`);
      if (typeof c.blankAllowed !== 'boolean') bad(`contest ${ci}: blankAllowed must be a boolean`);
      const options = expectArray(c.options, 'options', MANIFEST_LIMITS.options).map((oj, oi) => {
        const op = expectObject(oj, ['id', 'title'], `contest ${ci} option ${oi}`);
        return Object.freeze({ id: id(op.id, `contest ${ci} option ${oi} id`), title: title(op.title, `contest ${ci} option ${oi} title`) });
      });
      const contest: Contest = Object.freeze({
        id: id(c.id, `contest ${ci} id`),
        title: title(c.title, `contest ${ci} title`),
        kind: c.kind as ContestKind,
        minSelections: count(c.minSelections, `contest ${ci} minSelections`),
        maxSelections: count(c.maxSelections, `contest ${ci} maxSelections`),
        blankAllowed: c.blankAllowed as boolean,
        options: Object.freeze(options),
      });
      validateContest(contest);
      return contest;
    });
    if (new Set(contests.map((c) => c.id)).size !== contests.length) bad('manifest: duplicate contest id');
    return Object.freeze({
      electionId: id(o.electionId, 'electionId'),
      title: title(o.title, 'manifest title'),
      contests: Object.freeze(contests),
    });
  } catch (e) {
    if (e instanceof CryptoError && e.code !== 'INVALID_MANIFEST') throw new CryptoError('INVALID_MANIFEST', e.message);
    throw e;
  }
}

/** The canonical JSON object of a manifest: keys in the fixed order of the types above. */
export function manifestToJSON(m: Manifest): Manifest {
  return Object.freeze({
    electionId: m.electionId,
    title: m.title,
    contests: Object.freeze(
      m.contests.map((c) =>
        Object.freeze({
          id: c.id,
          title: c.title,
          kind: c.kind,
          minSelections: c.minSelections,
          maxSelections: c.maxSelections,
          blankAllowed: c.blankAllowed,
          options: Object.freeze(c.options.map((o) => Object.freeze({ id: o.id, title: o.title }))),
        }),
      ),
    ),
  });
}

/**
 * Canonical bytes: UTF-8 of `JSON.stringify(manifestToJSON(m))` — no whitespace, keys in fixed order, integers,
 * strings escaped as ECMAScript JSON.stringify does (only `"`, `\` and U+0000..U+001F are escaped; control
 * characters are already excluded, so titles appear verbatim).
 * Re-validates first, so only a valid manifest has canonical bytes.
 */
export function canonicalManifestBytes(m: Manifest): Uint8Array {
  const json = manifestToJSON(m);
  parseManifest(JSON.parse(JSON.stringify(json)));
  return utf8ToBytes(JSON.stringify(json));
}

/** SHA-256(transcript(domain "evote/v1/manifest", zero election hash) ‖ bytes "manifest" = canonical bytes). */
export function manifestHash(group: Group, m: Manifest): Uint8Array {
  const bytes = canonicalManifestBytes(m);
  return transcriptHash(group, MANIFEST_DOMAIN, ZERO_HASH, (t) => t.bytes('manifest', bytes));
}

/** Looks up a contest by id. @throws CryptoError `INVALID_BALLOT` if absent. */
export function findContest(m: Manifest, contestId: string): Contest {
  const c = m.contests.find((x) => x.id === contestId);
  cryptoAssert(c !== undefined, 'INVALID_BALLOT', `unknown contest ${String(contestId)}`);
  return c;
}
