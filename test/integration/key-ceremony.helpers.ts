import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { canonicalManifestBytes, manifestHash, parseManifest } from '../../src/crypto/ballot/manifest';
import { bytesToHex, bytesToUtf8, hexToBytes } from '../../src/crypto/encoding';
import type { IssuerPublicKeyJwk } from '../../src/crypto/tokens/rsa-key';
import type { BoardService } from '../../src/modules/board/board.service';
import { generateIssuerKey } from '../../src/modules/tokens/blind-signer';
import { issuerKeyThumbprint } from '../../src/crypto/tokens/rsa-key';
import { ristretto255Group as group } from '../../src/crypto/group';
import { trusteeInit } from '../../src/cli/trustee';

/** A small valid manifest for election `slug`. */
export function testManifest(slug: string) {
  return parseManifest({
    electionId: slug,
    title: 'Municipal test election',
    contests: [
      {
        id: 'mayor',
        title: 'Mayor',
        kind: 'one-of-m',
        minSelections: 1,
        maxSelections: 1,
        blankAllowed: false,
        options: [
          { id: 'alice', title: 'Alice' },
          { id: 'bob', title: 'Bob' },
        ],
      },
    ],
  });
}

let issuerJwk: Promise<IssuerPublicKeyJwk> | undefined;
/** One RSA-3072 issuer key for the ceremony tests' issuer-keys entries (made once per process). */
const testIssuerJwk = () => (issuerJwk ??= generateIssuerKey().then((k) => k.publicJwk));

/** Fresh trustee key files (via the CLI's init) in a temporary folder. */
export function makeTrusteeKeys(n: number): { dir: string; paths: string[]; publicKeys: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'evote-trustees-'));
  const paths = Array.from({ length: n }, (_, i) => join(dir, `trustee${i + 1}.key`));
  return { dir, paths, publicKeys: paths.map((p) => trusteeInit(p)) };
}

/**
 * Inserts an election (valid manifest and hash) with its trustees and an empty board. Statuses past the
 * key ceremony get a placeholder key (the database requires one).
 */
export async function insertCeremonyElection(ds: DataSource, opts: { status?: string; threshold: number; publicKeys: string[]; board: BoardService }): Promise<string> {
  const id = randomUUID();
  const slug = `kc-${id.slice(0, 8)}`;
  const status = opts.status ?? 'key_ceremony';
  const m = testManifest(id);
  const keyed = !['draft', 'key_ceremony'].includes(status);
  const placeholder = Buffer.alloc(32, 7);
  const issuer = await testIssuerJwk();
  await ds.transaction(async (q) => {
    await q.query(
      `INSERT INTO elections (id, slug, title, status, manifest, kind, election_day, revoting, trustee_threshold, trustee_count,
         issuer_threshold, issuer_ids, manifest_hash, setup_hash, key_set, base_hash)
       VALUES ($1, $2, 'Key ceremony test', $3, $4, 'municipal', '2027-05-09', 'last', $5, $6, 1, ARRAY['test-issuer'], $7, $8, $9, $10)`,
      [
        id,
        slug,
        status,
        bytesToUtf8(canonicalManifestBytes(m)),
        opts.threshold,
        opts.publicKeys.length,
        Buffer.from(manifestHash(group, m)),
        keyed ? placeholder : null,
        keyed ? '{}' : null,
        keyed ? placeholder : null,
      ],
    );
    await q.query(`INSERT INTO board_logs (election_id) VALUES ($1)`, [id]);
    // The board's first two entries, as election creation writes them: H binds them (§40.3).
    await opts.board.append(q, id, 'manifest', {
      manifest: m,
      manifestHash: bytesToHex(manifestHash(group, m)),
      parameters: {
        kind: 'municipal',
        electionDay: '2027-05-09',
        constituency: null,
        revoting: 'last',
        trusteeThreshold: opts.threshold,
        trustees: opts.publicKeys.map((publicKey, i) => ({ index: i + 1, name: `Trustee ${i + 1}`, publicKey })),
        opensAt: null,
        closesAt: null,
      },
    });
    await opts.board.append(q, id, 'issuer-keys', { threshold: 1, issuers: [{ id: issuerKeyThumbprint(issuer), publicKey: issuer }] });
    for (const [i, pk] of opts.publicKeys.entries()) {
      await q.query(`INSERT INTO election_trustees (election_id, idx, name, public_key) VALUES ($1, $2, $3, $4)`, [
        id,
        i + 1,
        `Trustee ${i + 1}`,
        Buffer.from(hexToBytes(pk, 32)),
      ]);
    }
  });
  return id;
}
