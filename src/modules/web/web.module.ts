import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import express from 'express';

/**
 * Serves the browser pages built by scripts/build-web.mjs (dist/web): the landing page at `/`, the voting
 * booth at `/booth/`, the officials' console at `/console/`, the observers' page at `/observer/`, the error page at `/error/`. Static
 * files only (the API routes are registered first and win); the app's CSP applies to them.
 */
export function webRoot(): string | null {
  const candidates = [process.env.WEB_DIR, join(__dirname, '..', '..', '..', 'dist', 'web'), join(__dirname, '..', '..', '..', 'web')];
  return candidates.find((d): d is string => !!d && existsSync(join(d, 'index.html'))) ?? null;
}

@Module({})
export class WebModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const root = webRoot();
    if (!root) {
      new Logger('WebModule').warn('dist/web not found: run `npm run build:web` to serve the booth, console and observer pages');
      return;
    }
    const app = this.adapterHost.httpAdapter.getInstance<express.Express>();
    const options = { index: 'index.html', redirect: true, fallthrough: true, maxAge: 0 };
    for (const page of ['booth', 'console', 'observer', 'error', 'assets']) app.use(`/${page}`, express.static(join(root, page), options));
    const landing = express.static(root, { ...options, redirect: false });
    app.get('/', (req, res, next) => landing(req, res, next));
  }
}
