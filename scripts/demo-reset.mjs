#!/usr/bin/env node
// `npm run demo:reset`: start the demo over. Removes the embedded database (DATA_DIR/pg) and the demo
// trustees' key files (DATA_DIR/demo-trustees) and the local issuers of ISSUERS=separate (DATA_DIR/issuers), so the next `npm start` creates, keys and opens a fresh demo
// election. The development keys in DATA_DIR/keys (board, issuers, relying party) are kept. Refuses while a
// server holds the folder, and with DATABASE_URL (a PostgreSQL server's data is not this script's to delete).
import { existsSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dataDir = resolve(process.env.DATA_DIR || './data');

if (process.env.DATABASE_URL) {
  console.error('demo:reset clears the embedded database in DATA_DIR. With DATABASE_URL set, drop and create that database instead (nothing was deleted).');
  process.exit(2);
}
if (process.env.DATA_DIR === 'memory://') {
  console.log('DATA_DIR=memory:// keeps nothing between runs: there is nothing to reset.');
  process.exit(0);
}

const lockFile = join(dataDir, 'pg.lock');
if (existsSync(lockFile)) {
  const pid = Number(readFileSync(lockFile, 'utf8').trim());
  let alive = false;
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      alive = true;
    } catch (e) {
      alive = e.code === 'EPERM';
    }
  }
  if (alive) {
    console.error(`The platform (process ${pid}) is using ${dataDir}: stop it first (nothing was deleted).`);
    process.exit(1);
  }
  unlinkSync(lockFile); // stale: its process is gone
}

const removed = ['pg', 'demo-trustees', 'issuers'].map((name) => join(dataDir, name)).filter((p) => existsSync(p));
for (const p of removed) rmSync(p, { recursive: true, force: true });
console.log(
  removed.length === 0
    ? `Nothing to reset in ${dataDir}: the next \`npm start\` creates the demo election.`
    : `Removed ${removed.join(' and ')}. The next \`npm start\` creates, keys and opens a fresh demo election.`,
);
