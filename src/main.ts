import type { Server } from 'node:http';
import { ConfigurationError, loadConfig } from './config/app-config';
import { createApp } from './create-app';
import { launchLocalIssuers } from './issuers-launcher';
import { ensureDemoElectionOnce } from './modules/demo/demo-seeding';
import { DEMO_ELECTION_ID } from './modules/eligibility/demo-election';
import { ElectionsService } from './modules/elections/elections.service';
import { OidcClientService } from './modules/identity/oidc-client.service';
import { RpKeys } from './modules/identity/rp-keys';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigurationError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  if (config.ISSUERS === 'separate' && config.ISSUER_URLS === undefined) {
    // The demo's three issuers as their own processes; this process learns only their URLs.
    const local = await launchLocalIssuers(config);
    config = loadConfig({ ...process.env, ISSUER_URLS: local.urls.join(','), ISSUER_ADMIN_TOKEN: local.adminToken });
  }
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  boundedShutdown(app.getHttpServer() as Server);
  // The JWE alg/enc must be ones the provider advertises: refuse to run rather than fail every login.
  try {
    await app.get(OidcClientService).checkAtStartup();
  } catch (e) {
    if (!(e instanceof ConfigurationError)) throw e;
    process.stderr.write(`${e.message}\n`);
    await app.close();
    process.exit(78); // EX_CONFIG
  }
  reloadRpKeysOnSighup(app.get(RpKeys));
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  if (config.demoElectionEnabled) await ensureDemoElectionOnce(app, config, (await app.getUrl()).replace('[::1]', '127.0.0.1'));
  const issuers = config.ISSUERS === 'separate' ? `  token issuers (separate processes): ${config.issuerUrls.join(', ')}\n` : '';
  const database = config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded PostgreSQL in ${config.DATA_DIR}`;
  const demoStatus = config.demoElectionEnabled ? (await app.get(ElectionsService).get(DEMO_ELECTION_ID)).status : undefined;
  // A demo closed or tallied in an earlier run cannot be voted in again: point to its results and the reset.
  const demo = !config.demoElectionEnabled
    ? ''
    : demoStatus === 'open'
      ? `  vote in the demo election: ${url}/booth/?election=${DEMO_ELECTION_ID}\n  observe and verify it: ${url}/observer/?election=${DEMO_ELECTION_ID}\n  officials' console: ${url}/console/\n`
      : `  the demo election: ${demoStatus}, voting is over; results and verification: ${url}/observer/?election=${DEMO_ELECTION_ID}\n  start the demo over: stop the server, then \`npm run demo:reset\`\n  officials' console: ${url}/console/\n`;
  // With PORT=0 the public URL's port is not known before binding: print the address actually bound.
  const printed = config.PORT === 0 ? url : config.publicUrl;
  process.stdout.write(`\nevote is running at ${printed}\n  health: ${url}/health\n  API docs: ${url}/api/docs\n  database: ${database}\n${issuers}${demo}\n`);
}

/**
 * SIGHUP re-reads the relying party's key files (OIDC_RP_JWKS_FILE): a step of a key rotation without a
 * restart. A key set that does not validate is refused and the current keys stay.
 */
function reloadRpKeysOnSighup(keys: RpKeys): void {
  process.on('SIGHUP', () => {
    keys.reload().then(
      () => process.stdout.write(`evote: relying party keys reloaded; published: ${keys.publicJwks.keys.map((k) => `${k.use}:${k.kid}`).join(', ')}\n`),
      (e: unknown) => process.stderr.write(`evote: relying party keys NOT reloaded, the previous ones stay: ${e instanceof Error ? e.message : String(e)}\n`),
    );
  });
}

/** Requests in flight get this long to finish after SIGTERM/SIGINT; then their connections are cut. */
const SHUTDOWN_GRACE_MS = 2_000;
/** The process is gone by then, whatever still holds it (a stuck pool, a timer). */
const SHUTDOWN_LIMIT_MS = 4_500;

/**
 * Nest's shutdown hooks close the listener and then wait for every open connection: an idle keep-alive
 * connection of a browser tab, or a client that stalls half-way through a request, kept the process up
 * indefinitely. Idle connections are closed at once, busy ones after a grace period (a cast cut then was
 * either committed, and its identical resend returns the same receipt, or rolled back).
 */
function boundedShutdown(server: Server): void {
  const onSignal = () => {
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    setTimeout(() => {
      process.stderr.write(`evote: still running ${SHUTDOWN_LIMIT_MS} ms after the signal; exiting\n`);
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

main().catch((e: unknown) => {
  process.stderr.write(`evote failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
