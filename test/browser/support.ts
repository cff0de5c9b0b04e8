import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = join(__dirname, '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'browser');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Builds the pages with the project's build script (esbuild: well under a second) into a folder of this
 * test file's own, and serves them from there (WEB_DIR): parallel test files never read a half-written bundle.
 */
export function buildWeb(): string {
  const out = mkdtempSync(join(tmpdir(), 'evote-web-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-web.mjs')], { cwd: ROOT, stdio: 'pipe', env: { ...process.env, WEB_OUT_DIR: out, WEB_MINIFY: '0' } });
  process.env.WEB_DIR = out;
  return out;
}

/** Debian's chromium, headless, with the flags that work on these machines (docs: STACK-NOTES). */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** On the sandbox's login page: pick the identity, tick "confirm" for a step-up, approve. */
export async function approveAtSandbox(page: Page, identity: string, confirm = false): Promise<void> {
  await page.waitForURL(/\/sandbox-idp\/interaction\//);
  await page.check(`input[name="identity"][value="${identity}"]`);
  if (confirm) await page.check('input[name="confirm"]');
  await page.click('button[value="approve"]');
}

/** Collects what the page sends: method, URL, headers (incl. cookies) and body of every request. */
export function recordRequests(page: Page): Array<{ method: string; url: string; headers: Promise<Record<string, string>>; body: string | null }> {
  const seen: Array<{ method: string; url: string; headers: Promise<Record<string, string>>; body: string | null }> = [];
  page.on('request', (r) => seen.push({ method: r.method(), url: r.url(), headers: r.allHeaders(), body: r.postData() }));
  return seen;
}
