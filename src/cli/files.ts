/**
 * Secret files of the CLI: written with mode 0600, atomically (temporary file in the same folder, then
 * rename), never world-readable even for an instant.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeSecretFile(path: string, text: string, opts: { overwrite?: boolean } = {}): void {
  if (!opts.overwrite && existsSync(path)) throw new Error(`${path} exists; refusing to overwrite it`);
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
}

/** Reads a secret JSON file; warns (through `warn`) if it is readable by group or others. */
export function readSecretJson(path: string, warn?: (m: string) => void): unknown {
  const st = statSync(path);
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0 && warn) warn(`warning: ${path} is readable by others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`);
  return JSON.parse(readFileSync(path, 'utf8'));
}
