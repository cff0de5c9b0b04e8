/** The commands of the `evote` program. Add new ones (e.g. `verify`, `trustee decrypt`) to {@link COMMANDS}. */
import type { Command, OptionValues } from './args';
import { UsageError } from './args';
import { trusteeCeremony, trusteeInit } from './trustee';
import { trusteeDecrypt } from './decrypt';
import { ApiClient } from './http';
import { trusteeObserve } from './trustee-board';
import { demoTally } from './demo-tally';
import { verifyCommand } from './verify';

const trusteeInitCommand: Command = {
  words: ['trustee', 'init'],
  summary: "Create this trustee's key pair locally (nothing is sent); prints the public key to give to the official",
  options: {
    out: { type: 'string', description: 'key file to create (mode 0600)', required: true },
    force: { type: 'boolean', description: 'overwrite an existing key file', default: false },
  },
  async run(v, io) {
    const publicKey = trusteeInit(String(v.out), { overwrite: v.force === true });
    io.err(`key pair written to ${String(v.out)} (keep it secret, back it up offline)`);
    io.out(publicKey);
    return 0;
  },
};

const trusteeCeremonyCommand: Command = {
  words: ['trustee', 'ceremony'],
  summary: 'Take part in the key ceremony of an election: deal, check the shares received, complain if needed, save the final share',
  options: {
    server: { type: 'string', description: 'server base URL, e.g. https://vote.example', required: true },
    election: { type: 'string', description: 'election id (uuid)', required: true },
    key: { type: 'string', description: 'trustee key file (from "evote trustee init")', required: true },
    'poll-ms': { type: 'string', description: 'milliseconds between polls of the server', default: '2000' },
    'timeout-s': { type: 'string', description: 'give up after this many seconds', default: '86400' },
  },
  async run(v, io) {
    const pollMs = Number(v['poll-ms']);
    const timeoutS = Number(v['timeout-s']);
    if (!Number.isInteger(pollMs) || pollMs < 10) throw new UsageError('--poll-ms must be an integer ≥ 10');
    if (!Number.isInteger(timeoutS) || timeoutS < 1) throw new UsageError('--timeout-s must be a positive integer');
    const r = await trusteeCeremony({
      server: String(v.server),
      electionId: String(v.election),
      keyPath: String(v.key),
      pollMs,
      timeoutMs: timeoutS * 1000,
      log: (line) => io.err(line),
    });
    io.out(JSON.stringify({ trustee: r.trustee, jointKey: r.jointKey, baseHash: r.baseHash, qualified: r.qualified, sharePath: r.sharePath }, null, 2));
    return 0;
  },
};

const trusteeDecryptCommand: Command = {
  words: ['trustee', 'decrypt'],
  summary: 'Check the board and the published tally (recomputed from the counted ballots), then post this trustee\'s decryption share',
  options: {
    server: { type: 'string', description: 'server base URL', required: true },
    election: { type: 'string', description: 'election id (uuid)', required: true },
    key: { type: 'string', description: 'trustee key file (its final share is in <key>.election-<id>.json)', required: true },
  },
  async run(v, io) {
    const r = await trusteeDecrypt({ server: String(v.server), electionId: String(v.election), keyPath: String(v.key), log: (l) => io.err(l) });
    io.out(JSON.stringify(r, null, 2));
    return 0;
  },
};

const trusteeObserveCommand: Command = {
  words: ['trustee', 'observe'],
  summary: "Check the board's latest signed head against every head this trustee saw (consistency proof) and save it; run it now and then while the election is open",
  options: {
    server: { type: 'string', description: 'server base URL', required: true },
    election: { type: 'string', description: 'election id (uuid)', required: true },
    key: { type: 'string', description: 'trustee key file (the board state is in <key>.election-<id>.board.json)', required: true },
  },
  async run(v, io) {
    const head = await trusteeObserve(new ApiClient(String(v.server)), String(v.key), String(v.election));
    io.out(JSON.stringify({ size: head.size, root: head.root }, null, 2));
    return 0;
  },
};

const verifyCmd: Command = {
  words: ['verify'],
  summary: 'Verify an election record (every token, proof, the tally, the decryption and the result); exit 0 only if every check passes',
  options: {
    record: { type: 'string', description: 'record file (JSON of GET /elections/:id/record)' },
    server: { type: 'string', description: 'or: download the record from this server' },
    election: { type: 'string', description: 'election id (with --server)' },
    json: { type: 'boolean', description: 'print the checks as JSON', default: false },
    workers: { type: 'string', description: 'worker threads for the ballot checks (default: one per core; 0: none)' },
    'require-result': { type: 'boolean', description: 'exit 1 unless every check passed, the result included (for the final check; without it, a record of an election not yet tallied that fails no check exits 0)', default: false },
    fingerprint: { type: 'string', description: "the election's fingerprint as its officials published it (base hash H, 64 hex): check 4 fails unless the record's matches" },
    receipt: { type: 'string', multiple: true, description: "a voter's receipt file (from the booth): check 16 proves it is on this record and says whether its ballot counted" },
    heads: { type: 'string', multiple: true, description: 'a file of signed tree heads seen earlier (one head, a JSON array, or one per line): check 16 proves the record extends each' },
  },
  positional: { name: 'target', description: 'a record file (JSON or NDJSON), or an election URL (https://host/elections/<id>)' },
  run: (v, io) =>
    verifyCommand(
      {
        ...verifyTarget(v),
        json: v.json === true,
        ...workersOption(v.workers),
        ...(typeof v.fingerprint === 'string' ? { fingerprint: v.fingerprint } : {}),
        receiptFiles: Array.isArray(v.receipt) ? v.receipt : [],
        headFiles: Array.isArray(v.heads) ? v.heads : [],
        requireResult: v['require-result'] === true,
      },
      io,
    ),
};

function workersOption(w: OptionValues[string]): { workers?: number } {
  if (w === undefined) return {};
  if (typeof w !== 'string' || !/^\d{1,3}$/.test(w)) throw new UsageError('--workers takes a number (0 for none)');
  return { workers: Number(w) };
}

/** `evote verify <file | URL>` or the explicit --record / --server --election options. */
function verifyTarget(v: OptionValues): { record?: string; server?: string; election?: string } {
  const target = v.target as string | undefined;
  const explicit = { record: v.record as string | undefined, server: v.server as string | undefined, election: v.election as string | undefined };
  if (target === undefined) return explicit;
  if (explicit.record || explicit.server) throw new UsageError('give either a target or --record/--server, not both');
  if (!/^https?:\/\//.test(target)) return { record: target };
  const m = /^(https?:\/\/[^/]+)(?:\/.*)?\/elections\/([0-9a-f-]{36})(?:\/record)?\/?$/.exec(target);
  return m ? { server: m[1], election: m[2] } : { server: target.replace(/\/$/, ''), election: explicit.election };
}

const demoTallyCommand: Command = {
  words: ['demo', 'tally'],
  summary: 'Demo only: the demo trustees (<data-dir>/demo-trustees) decrypt the closed demo election until k shares are in (close it first as the official)',
  options: {
    server: { type: 'string', description: 'server base URL', required: true },
    'data-dir': { type: 'string', description: "the server's DATA_DIR", default: './data' },
    election: { type: 'string', description: 'election id (default: the demo election)' },
  },
  async run(v, io) {
    const r = await demoTally({ server: String(v.server), dataDir: String(v['data-dir']), electionId: v.election as string | undefined, log: (l) => io.err(l) });
    io.out(JSON.stringify(r, null, 2));
    return 0;
  },
};

export const COMMANDS: readonly Command[] = [trusteeInitCommand, trusteeCeremonyCommand, trusteeObserveCommand, trusteeDecryptCommand, verifyCmd, demoTallyCommand];
