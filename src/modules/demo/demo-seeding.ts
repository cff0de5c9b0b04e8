import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { ADVISORY_LOCK, withAdvisoryLock } from '../../database/advisory-lock';
import { ensureDemoElection } from './demo-election';

/**
 * ensureDemoElection under a PostgreSQL advisory lock: several instances starting together on one
 * database would otherwise each create the demo election and run a key ceremony for it. The first one
 * seeds; the others wait, then find it open and skip.
 */
export function ensureDemoElectionOnce(app: INestApplication, config: AppConfig, baseUrl: string): Promise<void> {
  return withAdvisoryLock(app.get(DataSource), ADVISORY_LOCK.demoSeeding, () => ensureDemoElection(app, config, baseUrl));
}
