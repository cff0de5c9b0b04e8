import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { ConfigurationError } from '../config/app-config';

export interface SecretSpec {
  /** The configuration variable, named in every error. */
  variable: string;
  /** Its value: the secret itself, `file:<path>`, or undefined (development: generate into DATA_DIR/keys). */
  value: string | undefined;
  /** File name under DATA_DIR/keys for a generated secret. */
  fileName: string;
  /** What a valid secret looks like, for the error message. */
  expected: string;
  isValid(secret: string): boolean;
  generate(): string;
}

/**
 * Reads a secret (signing key, HMAC key) from configuration, from a file, or — outside production —
 * from a file generated in DATA_DIR/keys on first start. Files must not be readable by group or others.
 * The secret itself never appears in an error message or a log.
 */
export function loadSecret(config: Pick<AppConfig, 'DATA_DIR' | 'NODE_ENV'>, spec: SecretSpec): string {
  if (spec.value !== undefined && !spec.value.startsWith('file:')) {
    if (!spec.isValid(spec.value)) throw new ConfigurationError([`${spec.variable} must be ${spec.expected}`]);
    return spec.value;
  }
  let path: string;
  if (spec.value?.startsWith('file:')) {
    path = resolve(spec.value.slice('file:'.length));
    if (!existsSync(path)) throw new ConfigurationError([`${spec.variable} names a file that does not exist: ${path}`]);
  } else {
    path = join(resolve(config.DATA_DIR), 'keys', spec.fileName);
    if (!existsSync(path)) {
      if (config.NODE_ENV === 'production') throw new ConfigurationError([`${spec.variable} is required in production (${spec.expected})`]);
      mkdirSync(join(resolve(config.DATA_DIR), 'keys'), { recursive: true, mode: 0o700 });
      writeFileSync(path, `${spec.generate()}\n`, { mode: 0o600, flag: 'wx' });
    }
  }
  assertPrivateFile(path, spec.variable);
  const secret = readFileSync(path, 'utf8').trim();
  if (!spec.isValid(secret)) throw new ConfigurationError([`${spec.variable}: the file ${path} does not hold ${spec.expected}`]);
  return secret;
}

/** Refuses a secret file that group or others may read or write: the secret would not be secret. */
export function assertPrivateFile(path: string, variable: string): void {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ConfigurationError([`${variable}: the file ${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`]);
  }
}
