/**
 * Worker thread of the load benchmark: the voters' device work, done ahead of the run on every core.
 * 'blind': a fresh pseudonym key pair per voter, the token message prepared once and blinded per issuer.
 * 'ballots': finalize and check each issuer's blind signature, assemble the token, encrypt, prove and
 * sign a ballot (src/client/voter-client.ts, exactly what the booth does) and return the cast body.
 */
import { parentPort } from 'node:worker_threads';
import { electionFromSetup, prepareBallot } from '../../src/client/voter-client';
import { fromBase64Url, hexToBytes, toBase64Url, bytesToHex } from '../../src/crypto/encoding';
import { assembleBallotToken, prepareBallotToken } from '../../src/crypto/tokens/ballot-token';
import { generatePseudonymKeyPair, pseudonymPublicKey } from '../../src/crypto/tokens/pseudonym';
import { parseIssuerPublicKeyJwk } from '../../src/crypto/tokens/rsa-key';
import { blind, finalize } from '../../src/crypto/tokens/rsabssa';

export interface VoterSecret {
  sk: string;
  prefix: string;
  preparedMsg: string;
  blinded: Array<{ issuerId: string; blindedMsg: string; inv: string }>;
}

/** The demo election as the benchmark's voters see it: its id, H and the board's setup proof (§55.9). */
export interface BenchElection {
  id: string;
  baseHash: string;
  setup: unknown;
}

export type WorkerTask =
  | { kind: 'blind'; view: BenchElection; issuers: Array<{ id: string; publicKey: unknown }>; count: number }
  | { kind: 'ballots'; view: BenchElection; issuers: Array<{ id: string; publicKey: unknown }>; voters: Array<{ n: number; secret: VoterSecret; blindSignatures: string[] }> };

const LISTS = ['list-1', 'list-2', 'list-3', 'list-4'];

export function runTask(task: WorkerTask): unknown[] {
  if (task.kind === 'blind') {
    const baseHash = hexToBytes(task.view.baseHash, 32);
    const keys = task.issuers.map((i) => ({ id: i.id, pk: parseIssuerPublicKeyJwk(i.publicKey) }));
    return Array.from({ length: task.count }, (): VoterSecret => {
      const pseudonym = generatePseudonymKeyPair();
      const prepared = prepareBallotToken({ electionId: task.view.id, electionBaseHash: baseHash, pseudonym: pseudonym.publicKey });
      return {
        sk: bytesToHex(pseudonym.secretKey),
        prefix: toBase64Url(prepared.prefix),
        preparedMsg: toBase64Url(prepared.preparedMsg),
        blinded: keys.map(({ id, pk }) => {
          const b = blind(pk, prepared.preparedMsg);
          return { issuerId: id, blindedMsg: toBase64Url(b.blindedMsg), inv: toBase64Url(b.inv) };
        }),
      };
    });
  }
  const { election } = electionFromSetup(task.view.setup, task.view.id);
  const keys = new Map(task.issuers.map((i) => [i.id, parseIssuerPublicKeyJwk(i.publicKey)]));
  return task.voters.map(({ n, secret, blindSignatures }) => {
    const preparedMsg = fromBase64Url(secret.preparedMsg);
    // finalize checks each signature: a wrong one throws here, long before the run.
    const signatures = secret.blinded.map((b, i) => ({
      issuerId: b.issuerId,
      signature: finalize(keys.get(b.issuerId)!, preparedMsg, fromBase64Url(blindSignatures[i]), fromBase64Url(b.inv)),
    }));
    const secretKey = hexToBytes(secret.sk, 32);
    const pseudonym = { secretKey, publicKey: pseudonymPublicKey(secretKey) };
    const token = assembleBallotToken({ electionId: task.view.id, pseudonym: pseudonym.publicKey, prefix: fromBase64Url(secret.prefix), signatures });
    const choices = { council: [LISTS[n % 4]], 'car-free-centre': [n % 2 ? 'yes' : 'no'] };
    return JSON.stringify(prepareBallot(election, task.view.id, token, pseudonym, choices).castBody);
  });
}

parentPort?.on('message', (task: WorkerTask) => {
  try {
    parentPort!.postMessage({ ok: true, result: runTask(task) });
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) });
  }
});
