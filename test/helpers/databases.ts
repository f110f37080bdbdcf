import type { DatabaseKind } from '../../common/db.js';
import { postgresReachable } from './temp-database.js';

/**
 * The databases every database suite runs on: SQLite always; PostgreSQL when the runner found it
 * (PZS_TEST_POSTGRES=1), or, for a file run on its own, when it answers or CI=true.
 */
export async function testDatabaseKinds(): Promise<DatabaseKind[]> {
  const flag = process.env.PZS_TEST_POSTGRES;
  const postgres = flag === undefined ? process.env.CI === 'true' || (await postgresReachable()) : flag === '1';
  return postgres ? ['sqlite', 'postgresql'] : ['sqlite'];
}
