import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { assertPrivateFile } from '../../common/secrets';
import { ConfigurationError, type AppConfig } from '../../config/app-config';

/**
 * Reads a secret file, or creates it (mode 0600) with `generate()` when it does not exist yet. Only
 * allowed outside production: production secrets come from configuration. The file appears atomically
 * (written under a temporary name, then hard-linked into place), so a second process starting at the
 * same time reads either nothing or the whole file, and both end up with the same secret.
 */
export async function loadOrCreateSecretFile(config: AppConfig, fileName: string, variable: string, generate: () => Promise<string> | string): Promise<string> {
  const path = resolve(config.DATA_DIR, fileName);
  if (existsSync(path)) {
    assertPrivateFile(path, variable);
    return readFileSync(path, 'utf8');
  }
  if (config.NODE_ENV === 'production') {
    throw new ConfigurationError([`${variable} must be set in production (a development key is only generated into DATA_DIR outside production)`]);
  }
  mkdirSync(dirname(path), { recursive: true });
  const content = await generate();
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
  chmodSync(temp, 0o600);
  try {
    linkSync(temp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return readFileSync(path, 'utf8'); // another process won the race: use its secret
  } finally {
    unlinkSync(temp);
  }
  return content;
}
