// Builds with tsc when dist/ is missing or older than any source file, so `npm start` works on a fresh clone.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const target = 'dist/src/main.js';
function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const sources = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].filter(existsSync);
const stale = !existsSync(target) || sources.some((s) => (statSync(s).isDirectory() ? newest(s) : statSync(s).mtimeMs) > statSync(target).mtimeMs);
if (stale) {
  process.stdout.write('Building (tsc)...\n');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
for (const hook of ['scripts/build-web.mjs']) if (existsSync(hook)) execFileSync(process.execPath, [hook], { stdio: 'inherit' });
