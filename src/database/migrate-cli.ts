import { DataSource } from 'typeorm';
import { ConfigurationError, loadConfig } from '../config/app-config';
import { ADVISORY_LOCK, withAdvisoryLock } from './advisory-lock';
import { EmbeddedPostgres } from './embedded-postgres';
import { typeormOptions } from './typeorm-options';

/** `npm run migrate [-- --revert]`: applies pending migrations (or reverts the last one) and exits. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const embedded = config.usesEmbeddedDatabase ? await EmbeddedPostgres.open(config.DATA_DIR) : undefined;
  const dataSource = new DataSource(typeormOptions(config, embedded));
  try {
    await dataSource.initialize();
    // The same lock as the servers' start-up: a migrate command next to starting instances waits its turn.
    if (process.argv.includes('--revert')) {
      await withAdvisoryLock(dataSource, ADVISORY_LOCK.migrations, () => dataSource.undoLastMigration({ transaction: 'each' }));
      process.stdout.write('Reverted the last migration\n');
    } else {
      const applied = await withAdvisoryLock(dataSource, ADVISORY_LOCK.migrations, () => dataSource.runMigrations({ transaction: 'each' }));
      process.stdout.write(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}\n` : 'Database is up to date\n');
    }
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof ConfigurationError ? e.message : `Migration failed: ${e instanceof Error ? e.message : String(e)}`}\n`);
  process.exit(1);
});
