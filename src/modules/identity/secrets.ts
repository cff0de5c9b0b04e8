import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigurationError, type AppConfig } from '../../config/app-config';

/**
 * Reads a secret file, or creates it (mode 0600) with `generate()` when it does not exist yet. Only
 * allowed outside production: production secrets come from configuration.
 */
export async function loadOrCreateSecretFile(config: AppConfig, fileName: string, variable: string, generate: () => Promise<string> | string): Promise<string> {
  const path = resolve(config.DATA_DIR, fileName);
  if (existsSync(path)) return readFileSync(path, 'utf8');
  if (config.NODE_ENV === 'production') {
    throw new ConfigurationError([`${variable} must be set in production (a development key is only generated into DATA_DIR outside production)`]);
  }
  mkdirSync(dirname(path), { recursive: true });
  const content = await generate();
  try {
    writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8');
    throw e;
  }
  chmodSync(path, 0o600);
  return content;
}
