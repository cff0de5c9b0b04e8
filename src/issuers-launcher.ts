import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { type AppConfig, ConfigurationError } from './config/app-config';

export interface LocalIssuers {
  readonly urls: string[];
  readonly adminToken: string;
  stop(): void;
}

/** How many local issuers `ISSUERS=separate npm start` runs, and how many must sign (k of n). */
export const LOCAL_ISSUER_COUNT = 3;

/**
 * `ISSUERS=separate` without ISSUER_URLS (development and the demo): three issuers, each its own
 * process (src/issuer/main.ts) with its own key and embedded database under DATA_DIR/issuers/issuer-N,
 * listening on PORT+101… (any free port with PORT=0). They trust the identity provider the platform
 * uses (the sandbox here) and accept the platform's origins. The platform gets only their URLs and the
 * commission's admin token. They stop when this process ends (their standard input closes).
 */
export async function launchLocalIssuers(config: AppConfig, count = LOCAL_ISSUER_COUNT, timeoutMs = 90_000): Promise<LocalIssuers> {
  // They must reach the platform's board and identity provider at a known address.
  if (config.PORT === 0 && config.PUBLIC_URL === undefined) throw new ConfigurationError(['ISSUERS=separate without ISSUER_URLS needs a fixed PORT (or PUBLIC_URL): the local issuers read the board there']);
  const adminToken = randomBytes(32).toString('base64url');
  const entry = join(__dirname, 'issuer', `main${extname(__filename)}`);
  const children: ChildProcess[] = [];
  const stop = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  };
  process.once('exit', stop);
  try {
    const urls = await Promise.all(
      Array.from({ length: count }, (_, i) => {
        const dataDir = join(resolve(config.DATA_DIR), 'issuers', `issuer-${i + 1}`);
        mkdirSync(dataDir, { recursive: true, mode: 0o700 });
        const child = spawn(process.execPath, [...process.execArgv, entry], {
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '/tmp',
            NODE_ENV: config.NODE_ENV,
            ISSUER_PORT: String(config.PORT === 0 ? 0 : config.PORT + 101 + i),
            ISSUER_HOST: '127.0.0.1',
            ISSUER_DATA_DIR: dataDir,
            ISSUER_ADMIN_TOKEN: adminToken,
            ISSUER_OIDC_ISSUER: config.oidcIssuer,
            ISSUER_OIDC_AUDIENCE: config.OIDC_CLIENT_ID,
            ISSUER_PLATFORM_URL: config.publicUrl,
            ISSUER_ALLOWED_ORIGINS: config.publicOrigins.join(','),
            ISSUER_LOG_LEVEL: 'warn',
            ISSUER_EXIT_WITH_STDIN: '1',
          },
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        children.push(child);
        return new Promise<string>((resolveUrl, reject) => {
          let out = '';
          const timer = setTimeout(() => reject(new Error(`local issuer ${i + 1} did not start within ${timeoutMs} ms`)), timeoutMs);
          child.stdout!.on('data', (d: Buffer) => {
            out += d.toString();
            const m = /listening at (http:\/\/\S+)/.exec(out);
            if (m) {
              clearTimeout(timer);
              resolveUrl(m[1]);
            }
          });
          child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`local issuer ${i + 1} exited with ${code} before listening`));
          });
        });
      }),
    );
    return { urls, adminToken, stop };
  } catch (e) {
    stop();
    throw e;
  }
}
