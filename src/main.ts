import { ConfigurationError, loadConfig } from './config/app-config';
import { createApp } from './create-app';
import { ensureDemoElectionOnce } from './modules/demo/demo-seeding';
import { DEMO_ELECTION_ID } from './modules/eligibility/demo-election';

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
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  if (config.demoElectionEnabled) await ensureDemoElectionOnce(app, config, (await app.getUrl()).replace('[::1]', '127.0.0.1'));
  const database = config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded PostgreSQL in ${config.DATA_DIR}`;
  const demo = config.demoElectionEnabled
    ? `  vote in the demo election: ${url}/booth/?election=${DEMO_ELECTION_ID}\n  observe and verify it: ${url}/observer/?election=${DEMO_ELECTION_ID}\n  officials' console: ${url}/console/\n`
    : '';
  process.stdout.write(`\nevote is running at ${config.PUBLIC_URL ?? url}\n  health: ${url}/health\n  API docs: ${url}/api/docs\n  database: ${database}\n${demo}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`evote failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
