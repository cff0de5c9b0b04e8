import { postgresReachable, TEST_DATABASE_URL } from './databases';

/**
 * Checks once per run whether the PostgreSQL server for the integration tests' second leg is reachable,
 * and tells every test file through EVOTE_PG_REACHABLE. In CI (CI=true or EVOTE_REQUIRE_POSTGRES=1) an
 * unreachable server fails the run: the PostgreSQL leg must actually run there.
 */
export default async function globalSetup(): Promise<void> {
  const ok = await postgresReachable();
  process.env.EVOTE_PG_REACHABLE = ok ? '1' : '0';
  if (ok) return;
  const required = process.env.EVOTE_REQUIRE_POSTGRES === '1' || process.env.CI === 'true';
  const banner = `\n${'!'.repeat(78)}\n!!! PostgreSQL is not reachable at ${TEST_DATABASE_URL}\n!!! ${required ? 'CI requires the PostgreSQL leg: failing the run.' : 'Every PostgreSQL leg of the integration tests is SKIPPED.'}\n${'!'.repeat(78)}\n\n`;
  process.stderr.write(banner);
  if (required) throw new Error(`PostgreSQL required but not reachable at ${TEST_DATABASE_URL}`);
}
