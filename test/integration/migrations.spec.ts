import { DataSource } from 'typeorm';
import { allMigrations } from '../../migrations';
import { loadConfig } from '../../src/config/app-config';
import { EmbeddedPostgres } from '../../src/database/embedded-postgres';
import { typeormOptions } from '../../src/database/typeorm-options';
import { describeEachBackend } from '../support/databases';

async function tables(ds: DataSource): Promise<string[]> {
  const rows: Array<{ table_name: string }> = await ds.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1`,
  );
  return rows.map((r) => r.table_name);
}

describeEachBackend('migrations', (db) => {
  let ds: DataSource;
  let embedded: EmbeddedPostgres | undefined;

  beforeAll(async () => {
    const config = loadConfig({ ...db().env, LOG_LEVEL: 'silent' });
    embedded = config.usesEmbeddedDatabase ? await EmbeddedPostgres.open(config.DATA_DIR) : undefined;
    ds = new DataSource(typeormOptions(config, embedded));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await embedded?.close();
  });

  it('apply in order, roll back completely, and apply again', async () => {
    expect(await tables(ds)).toEqual([]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied.map((m) => m.name)).toEqual(allMigrations.map((M) => new M().name));
    const created = await tables(ds);
    expect(created).toContain('platform_metadata');
    expect(await ds.showMigrations()).toBe(false); // nothing pending

    for (let i = 0; i < allMigrations.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    expect(await tables(ds)).toEqual([]);

    await ds.runMigrations({ transaction: 'each' });
    expect(await tables(ds)).toEqual(created);
  });

  it('constraints carry the names the migrations chose', async () => {
    const rows: Array<{ conname: string }> = await ds.query(
      `SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND c.conrelid::regclass::text <> 'schema_migrations' AND c.contype <> 'n' ORDER BY 1`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const { conname } of rows) expect(conname).toMatch(/_(pk|fk|uq|ck|ex)$/);
  });
});
