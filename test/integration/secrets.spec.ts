import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/app-config';
import { BoardKey } from '../../src/modules/board/board-key';
import { NationalNumberHasher, ROLL_HMAC_KEY_FILE } from '../../src/modules/identity/national-number-hasher';
import { generateRpJwks, RpKeys } from '../../src/modules/identity/rp-keys';
import { IssuerRegistry } from '../../src/modules/tokens/issuer-registry';
import { obtainBallotToken, prepareBallot } from '../../src/client/voter-client';
import { createPgliteDatabase, type TestDatabase } from '../support/databases';
import { openElection, voterSession } from '../support/scenario';
import { startIdentityApp } from './identity/support';

/**
 * Secrets (issue 9): each of the board key, the issuer keys, the roll HMAC key and the relying party's
 * keys comes from configuration or from a file; secret files readable by group or others are refused;
 * and no secret value ever reaches a log line, even at LOG_LEVEL=debug.
 */
const issuerPem = () => generateKeyPairSync('rsa', { modulusLength: 3072, publicExponent: 65537 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('secret files: refused when readable by group or others', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'evote-secrets-it-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function secretFile(name: string, content: string, mode: number): string {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    chmodSync(path, mode);
    return path;
  }

  it('BOARD_SIGNING_KEY=file:… must be mode 0600 (0644 and 0640 refused, naming the variable)', () => {
    const seed = randomBytes(32).toString('hex');
    for (const mode of [0o644, 0o640, 0o604]) {
      const path = secretFile(`board-${mode.toString(8)}.key`, seed, mode);
      expect(() => new BoardKey(loadConfig({ DATA_DIR: dir, BOARD_SIGNING_KEY: `file:${path}` }))).toThrow(/BOARD_SIGNING_KEY: the file .* is readable by others/);
    }
    const ok = secretFile('board.key', seed, 0o600);
    expect(new BoardKey(loadConfig({ DATA_DIR: dir, BOARD_SIGNING_KEY: `file:${ok}` })).secretKey).toEqual(Uint8Array.from(Buffer.from(seed, 'hex')));
  });

  it('BOARD_SIGNING_KEY generated in development lands with mode 0600, and a loosened file is refused at the next start', () => {
    const config = loadConfig({ DATA_DIR: dir });
    new BoardKey(config);
    chmodSync(join(dir, 'keys', 'board-ed25519.key'), 0o644);
    expect(() => new BoardKey(config)).toThrow(/BOARD_SIGNING_KEY: the file .* is readable by others/);
  });

  it('ISSUER_KEYS=file:…,file:… must each be mode 0600', () => {
    const pem = issuerPem();
    const good = secretFile('issuer-1.pem', pem, 0o600);
    const bad = secretFile('issuer-2.pem', pem, 0o644);
    expect(() => new IssuerRegistry(loadConfig({ DATA_DIR: dir, ISSUER_KEYS: `file:${good},file:${bad}` }))).toThrow(/ISSUER_KEYS: the file .*issuer-2\.pem is readable by others/);
    chmodSync(bad, 0o600);
    expect(new IssuerRegistry(loadConfig({ DATA_DIR: dir, ISSUER_KEYS: `file:${good},file:${bad}` })).issuers).toHaveLength(2);
  }, 30_000);

  it('ROLL_HMAC_KEY comes from configuration (inline) or a generated 0600 file in development', async () => {
    const inline = await NationalNumberHasher.fromConfig(loadConfig({ DATA_DIR: dir, ROLL_HMAC_KEY: 'ab'.repeat(32) }));
    expect(inline.hash('85073003328')).toHaveLength(32);
    await NationalNumberHasher.fromConfig(loadConfig({ DATA_DIR: dir }));
    const { statSync } = await import('node:fs');
    expect(statSync(join(dir, ROLL_HMAC_KEY_FILE)).mode & 0o077).toBe(0);
  });

  it('ROLL_HMAC_KEY: a generated key file loosened to 0644 is refused at the next start', async () => {
    const config = loadConfig({ DATA_DIR: dir });
    await NationalNumberHasher.fromConfig(config);
    chmodSync(join(dir, ROLL_HMAC_KEY_FILE), 0o644);
    await expect(NationalNumberHasher.fromConfig(config)).rejects.toThrow(/readable by others/);
  });

  it('OIDC_RP_JWKS comes from configuration (inline) or a file', async () => {
    const jwks = await generateRpJwks();
    expect((await RpKeys.fromConfig(loadConfig({ DATA_DIR: dir, OIDC_RP_JWKS: jwks }))).publicJwks.keys).toHaveLength(2);
    const path = secretFile('rp.json', jwks, 0o600);
    expect((await RpKeys.fromConfig(loadConfig({ DATA_DIR: dir, OIDC_RP_JWKS_FILE: path }))).publicJwks.keys).toHaveLength(2);
  }, 30_000);

  it('OIDC_RP_JWKS_FILE readable by others (0644) is refused', async () => {
    const path = secretFile('rp.json', await generateRpJwks(), 0o644);
    await expect(RpKeys.fromConfig(loadConfig({ DATA_DIR: dir, OIDC_RP_JWKS_FILE: path }))).rejects.toThrow(/readable by others/);
  }, 30_000);

  it('configuration errors never echo a secret value', () => {
    const secret = `not!a!key!${'7'.repeat(64)}`;
    for (const variable of ['BOARD_SIGNING_KEY', 'ROLL_HMAC_KEY', 'ISSUER_KEYS']) {
      let message = '';
      try {
        loadConfig({ [variable]: secret });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain(variable);
      expect(message).not.toContain(secret);
    }
  });
});

describe('secrets never logged (LOG_LEVEL=debug, whole flow: login, issuance, casting)', () => {
  let db: TestDatabase;
  let keysDir: string;
  const lines: string[] = [];
  const sink = { write: (line: string) => void lines.push(line) };

  beforeAll(async () => {
    db = await createPgliteDatabase();
    keysDir = mkdtempSync(join(tmpdir(), 'evote-secret-files-'));
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('no log line contains the board seed, an issuer key, the roll HMAC key or an RP private key', async () => {
    const boardSeed = randomBytes(32).toString('hex');
    const rollKey = randomBytes(32).toString('hex');
    const rpJwks = await generateRpJwks();
    const pems = [issuerPem(), issuerPem()];
    const paths = pems.map((pem, i) => {
      const p = join(keysDir, `issuer-${i}.pem`);
      writeFileSync(p, pem, { mode: 0o600 });
      return p;
    });
    const t = await startIdentityApp(
      db,
      { LOG_LEVEL: 'debug', BOARD_SIGNING_KEY: boardSeed, ROLL_HMAC_KEY: rollKey, OIDC_RP_JWKS: rpJwks, ISSUER_KEYS: paths.map((p) => `file:${p}`).join(',') },
      [],
      sink,
    );
    try {
      const e = await openElection(t);
      const v = await voterSession(t, 'voter');
      const { token, pseudonym } = await obtainBallotToken(t.url, e.election, e.id, e.issuers, v.send);
      const p = prepareBallot(e.election, e.id, token, pseudonym, { council: ['list-b'], referendum: ['yes'] });
      const cast = await fetch(`${t.url}/elections/${e.id}/ballots`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p.castBody) });
      expect(cast.status).toBe(201);
      await fetch(`${t.url}/auth/jwks.json`);
    } finally {
      await t.close();
    }
    expect(lines.length).toBeGreaterThan(20);
    // The logger ran at debug (the level threshold), and request lines were written.
    expect(lines.some((l) => l.includes('"req":'))).toBe(true);

    const rpPrivate = (JSON.parse(rpJwks).keys as Array<Record<string, string>>).flatMap((k) => ['d', 'p', 'q', 'dp', 'dq', 'qi'].map((f) => k[f]).filter(Boolean));
    const pemBodies = pems.flatMap((pem) => pem.split('\n').filter((l) => l.length > 40));
    const secrets: Array<[string, string]> = [
      ['BOARD_SIGNING_KEY', boardSeed],
      ['BOARD_SIGNING_KEY (base64)', Buffer.from(boardSeed, 'hex').toString('base64')],
      ['ROLL_HMAC_KEY', rollKey],
      ...rpPrivate.map((v): [string, string] => ['OIDC_RP_JWKS private parameter', v.slice(0, 40)]),
      ...pemBodies.map((v): [string, string] => ['ISSUER_KEYS PEM line', v]),
    ];
    const all = lines.join('\n');
    const leaks = secrets.filter(([, value]) => all.includes(value)).map(([name]) => name);
    expect(leaks).toEqual([]);
  }, 120_000);
});
