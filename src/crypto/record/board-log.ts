/**
 * Replays an election's bulletin board (docs/protocol.md §50): entry framing, the Merkle tree hash and the
 * signed head. Pure; never throws on bad data: every problem is a failed check with its reason.
 */
import { bytesToHex, hexToBytes, utf8ToBytes } from '../encoding';
import { CompactRange, leafHash } from './merkle';
import { type SignedTreeHead, verifyTreeHead } from './tree-head';

export const BOARD_ENTRY_KINDS = [
  'manifest', 'issuer-keys', 'trustee-commitments', 'election-key', 'issuance-log', 'open',
  'ballot', 'audit', 'close', 'tally', 'decryption-share', 'result',
] as const;
export type BoardEntryKind = (typeof BOARD_ENTRY_KINDS)[number];

export interface ParsedEntry {
  seq: number;
  kind: BoardEntryKind;
  payload: unknown;
  leafHash: string;
}

export interface BoardLogVerification {
  ok: boolean;
  failures: string[];
  entries: ParsedEntry[];
  /** Root recomputed from the entries. */
  root: string;
  /** The root of each watched prefix (see BoardLogReplay). */
  prefixRoots: ReadonlyMap<number, string>;
}

/** One entry's framing: its Merkle leaf, the framing failures, and its parsed fields (undefined if not JSON). */
export interface EntryFraming {
  readonly leaf: Uint8Array;
  readonly failures: readonly string[];
  readonly entry?: { readonly seq: unknown; readonly kind: unknown; readonly payload: unknown };
}

/**
 * The members of each kind's payload (docs/protocol.md §70.1), exactly: a payload with a member more or
 * less fails check 1. Values are checked by the checks that read them; objects inside a payload that a
 * strict parser reads (manifest, token, ballot, reveal, dealing, key set, aggregate, share) are not
 * listed here, the few that no parser reads are in {@link ENTRY_NESTED_MEMBERS}.
 */
export const ENTRY_PAYLOAD_MEMBERS: Readonly<Record<BoardEntryKind, readonly string[]>> = {
  manifest: ['manifest', 'manifestHash', 'parameters'],
  'issuer-keys': ['threshold', 'issuers'],
  'trustee-commitments': ['setupHash', 'dealing'],
  'election-key': ['manifestHash', 'setupHash', 'keySet', 'baseHash', 'qualified', 'complaints', 'rollSize', 'witnesses'],
  'issuance-log': ['issuerId', 'count', 'blindedHashes'],
  open: ['rollSize', 'scheduled'],
  ballot: ['token', 'ballot', 'counter', 'signature'],
  audit: ['token', 'ballot', 'counter', 'signature', 'reveal'],
  close: ['ballotsCast', 'scheduled'],
  tally: ['aggregate', 'counted', 'boardSize'],
  'decryption-share': ['trustee', 'tallySeq', 'share'],
  result: ['tallySeq', 'trustees', 'shareSeqs', 'totals', 'results'],
};

/** Objects inside payloads that no strict parser reads: their path in the payload (`[]`: every item of an array) and members. */
export const ENTRY_NESTED_MEMBERS: Readonly<Partial<Record<BoardEntryKind, Readonly<Record<string, readonly string[]>>>>> = {
  manifest: {
    parameters: ['kind', 'electionDay', 'constituency', 'revoting', 'trusteeThreshold', 'trustees', 'opensAt', 'closesAt'],
    'parameters.trustees[]': ['index', 'name', 'publicKey'],
  },
  'issuer-keys': { 'issuers[]': ['id', 'publicKey'] },
  'election-key': { 'complaints[]': ['trustee', 'dealer', 'verdict', 'complaint', 'judgment', 'reason'] },
};

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The values at `path` (`a.b[]`: every item of the array a.b) of `payload`; what is absent or not an array yields nothing. */
function valuesAt(payload: unknown, path: string): Array<{ where: string; value: unknown }> {
  let values = [{ where: 'payload', value: payload }];
  for (const step of path.split('.')) {
    const many = step.endsWith('[]');
    const name = many ? step.slice(0, -2) : step;
    values = values.flatMap(({ where, value }) => {
      if (!isObject(value) || !(name in value)) return [];
      const v = value[name];
      if (!many) return [{ where: `${where}.${name}`, value: v }];
      return Array.isArray(v) ? v.map((item, i) => ({ where: `${where}.${name}[${i}]`, value: item })) : [];
    });
  }
  return values;
}

/** The member failures of a `kind` entry's payload (ENTRY_PAYLOAD_MEMBERS, ENTRY_NESTED_MEMBERS). */
export function payloadMemberFailures(kind: BoardEntryKind, payload: unknown): string[] {
  const failures: string[] = [];
  const check = (where: string, value: unknown, members: readonly string[]) => {
    if (!isObject(value)) return void failures.push(`${where} must be an object with members ${members.join(', ')}`);
    const unknown = Object.keys(value).filter((k) => !members.includes(k));
    const missing = members.filter((k) => !Object.prototype.hasOwnProperty.call(value, k));
    if (unknown.length || missing.length) failures.push(`${where}: ${[unknown.length ? `unknown member ${unknown.join(', ')}` : '', missing.length ? `missing member ${missing.join(', ')}` : ''].filter(Boolean).join('; ')}`);
  };
  check('payload', payload, ENTRY_PAYLOAD_MEMBERS[kind]);
  for (const [path, members] of Object.entries(ENTRY_NESTED_MEMBERS[kind] ?? {})) for (const { where, value } of valuesAt(payload, path)) check(where, value, members);
  return failures;
}

/**
 * The framing checks of the entry at `position` ({v: 1, electionId, seq = position, kind, payload}), with the
 * strict-parsing rules of §50 and §70.1: the text is canonical (exactly JSON.stringify of what it parses to)
 * and the payload has exactly its kind's members. Never throws.
 */
export function checkEntryFraming(electionId: string, text: string, position: number): EntryFraming {
  const failures: string[] = [];
  let bytes: Uint8Array;
  try {
    bytes = utf8ToBytes(text);
  } catch {
    failures.push(`entry ${position}: not well-formed text`);
    bytes = new Uint8Array(0);
  }
  const leaf = leafHash(bytes);
  let e: { v?: unknown; electionId?: unknown; seq?: unknown; kind?: unknown; payload?: unknown };
  try {
    e = JSON.parse(text);
  } catch {
    failures.push(`entry ${position}: not JSON`);
    return { leaf, failures };
  }
  // The server writes JSON.stringify of an object, so re-serialising gives the text back; anything else
  // (whitespace, a duplicate member JSON.parse silently drops, non-minimal escapes) has two readings.
  if (JSON.stringify(e) !== text) failures.push(`entry ${position}: not in canonical form (whitespace, duplicate or reordered members, or non-minimal escapes; §50)`);
  const keys = e && typeof e === 'object' ? Object.keys(e) : [];
  if (keys.join(',') !== 'v,electionId,seq,kind,payload') failures.push(`entry ${position}: fields must be exactly v, electionId, seq, kind, payload in that order`);
  if (e?.v !== 1) failures.push(`entry ${position}: unsupported version`);
  if (e?.electionId !== electionId) failures.push(`entry ${position}: belongs to another election`);
  if (e?.seq !== position) failures.push(`entry ${position}: claims position ${String(e?.seq)}`);
  if (!BOARD_ENTRY_KINDS.includes(e?.kind as BoardEntryKind)) failures.push(`entry ${position}: unknown kind ${String(e?.kind)}`);
  else for (const f of payloadMemberFailures(e!.kind as BoardEntryKind, e!.payload)) failures.push(`entry ${position} (${String(e!.kind)}): ${f} (§70.1)`);
  return { leaf, failures, entry: { seq: e?.seq, kind: e?.kind, payload: e?.payload } };
}

/**
 * The board replayed entry by entry (in order), so a verifier can check a log it never holds whole:
 * add each entry's framing (checked here or elsewhere), then finish against the signed head.
 */
export class BoardLogReplay {
  private range = CompactRange.empty();
  private count = 0;
  readonly failures: string[] = [];
  /** The root after each watched size (heads held by voters and observers, check 16), hex. */
  readonly prefixRoots = new Map<number, string>();
  private readonly watched: ReadonlySet<number>;

  constructor(
    private readonly electionId: string,
    watchSizes: Iterable<number> = [],
  ) {
    this.watched = new Set(watchSizes);
    if (this.watched.has(0)) this.prefixRoots.set(0, bytesToHex(this.range.root()));
  }

  get size(): number {
    return this.count;
  }

  /** Adds the next entry by its text; returns its framing. */
  add(text: string): EntryFraming {
    const f = checkEntryFraming(this.electionId, text, this.count);
    this.addFraming(f);
    return f;
  }

  /** Adds the next entry's framing, computed elsewhere by checkEntryFraming at this position. */
  addFraming(f: Pick<EntryFraming, 'leaf' | 'failures'>): void {
    this.range = this.range.append(f.leaf);
    this.count++;
    if (this.watched.has(this.count)) this.prefixRoots.set(this.count, bytesToHex(this.range.root()));
    this.failures.push(...f.failures);
  }

  /** The failures of the whole log against `head` (framing failures first) and the recomputed root. */
  finish(head: SignedTreeHead, boardPublicKey: Uint8Array): { failures: string[]; root: string } {
    const failures = [...this.failures];
    const root = bytesToHex(this.range.root());
    if (head?.electionId !== this.electionId) failures.push('signed head: belongs to another election');
    if (head?.size !== this.count) failures.push(`signed head: covers ${head?.size} entries, the record has ${this.count}`);
    if (head?.root !== root) failures.push('signed head: its root is not the tree hash of the entries');
    if (!verifyTreeHead(head, boardPublicKey)) failures.push('signed head: the board signature does not verify');
    if (!(Number.isSafeInteger(head?.timestamp) && head.timestamp % 60_000 === 0)) failures.push('signed head: its timestamp is not a whole minute (a multiple of 60,000 ms, §50)');
    return { failures, root };
  }
}

/**
 * Checks that `entries` (the exact JSON texts, in order) are this election's board: each frames itself
 * correctly ({v: 1, electionId, seq = position, kind, payload}), and their tree hash is the root of
 * `head`, which the board key signed for exactly that size.
 */
export function verifyBoardLog(electionId: string, entries: readonly string[], head: SignedTreeHead, boardPublicKey: Uint8Array, watchSizes: Iterable<number> = []): BoardLogVerification {
  const replay = new BoardLogReplay(electionId, watchSizes);
  const parsed: ParsedEntry[] = [];
  entries.forEach((text, seq) => {
    const f = replay.add(text);
    if (f.entry) parsed.push({ seq, kind: f.entry.kind as BoardEntryKind, payload: f.entry.payload, leafHash: bytesToHex(f.leaf) });
  });
  const { failures, root } = replay.finish(head, boardPublicKey);
  return { ok: failures.length === 0, failures, entries: parsed, root, prefixRoots: replay.prefixRoots };
}

/** Hex helper for callers holding the board key as hex. */
export const boardKeyFromHex = (hex: string): Uint8Array => hexToBytes(hex, 32, 'board public key');
