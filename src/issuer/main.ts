import { ConfigurationError } from '../config/app-config';
import { loadIssuerConfig } from './issuer-config';
import { createIssuerApp } from './issuer-app';

/** `evote-issuer`: one ballot-token issuer as its own process (ISSUER_* variables, docs/deployment.md). */
async function main(): Promise<void> {
  let config;
  try {
    config = loadIssuerConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigurationError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
  const app = await createIssuerApp(config);
  await app.listen(config.ISSUER_PORT, config.ISSUER_HOST);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const name = (await (await fetch(`${url}/issuer`)).json()) as { name: string };
  // The launcher (src/issuers-launcher.ts) reads this line.
  process.stdout.write(`evote issuer ${name.name} listening at ${url}\n`);
  const stop = () => {
    setTimeout(() => process.exit(1), 4_500).unref();
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Started by the platform's launcher: the issuer ends with it, even if the platform is killed.
  if (process.env.ISSUER_EXIT_WITH_STDIN === '1') {
    process.stdin.on('end', stop);
    process.stdin.resume();
  }
}

void main().catch((e: unknown) => {
  process.stderr.write(`evote issuer: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
