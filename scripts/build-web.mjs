// Bundles the browser pages (booth, officials' console, observers' page and the verifier's Web Worker)
// with esbuild into dist/web/, and copies the static HTML and CSS. No inline scripts (the CSP is
// script-src 'self'); no external assets. `npm run build:web`; `npm start` runs it through build-if-needed.
import { build } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// WEB_OUT_DIR: another folder (the browser tests build into a temporary one each, served through WEB_DIR).
const out = process.env.WEB_OUT_DIR ?? join(root, 'dist', 'web');
mkdirSync(out, { recursive: true });
const started = Date.now();
await build({
  absWorkingDir: root,
  entryPoints: {
    'booth/main': 'src/web/booth/main.ts',
    'console/main': 'src/web/console/main.ts',
    'observer/main': 'src/web/observer/main.ts',
    'error/main': 'src/web/error/main.ts',
    'observer/verifier.worker': 'src/web/observer/verifier.worker.ts',
    'observer/submissions.worker': 'src/web/observer/submissions.worker.ts',
    'assets/landing': 'src/web/landing.ts',
  },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: process.env.WEB_MINIFY !== '0',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
cpSync(join(root, 'src', 'web', 'static'), out, { recursive: true });
process.stdout.write(`Built the web pages into ${out} (${Date.now() - started} ms)\n`);
