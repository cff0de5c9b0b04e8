import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { trusteeCeremony, trusteeInit, readTrusteeKey } from '../../cli/trustee';
import type { AppConfig } from '../../config/app-config';
import { NotFoundError } from '../../common/errors/domain-error';
import { DEMO_CONSTITUENCY, DEMO_ELECTION_DAY, DEMO_ELECTION_ID } from '../eligibility/demo-election';
import type { CreateElectionDto } from '../elections/elections.dto';
import { ElectionsService } from '../elections/elections.service';
import { ElectionOfficials } from '../identity/election-officials';
import { SessionService } from '../identity/session.service';
import { ElectionIssuers } from '../tokens/election-issuers';

export const DEMO_TRUSTEES = 3;
export const DEMO_TRUSTEE_THRESHOLD = 2;

/** Where the demo trustees keep their key files: outside the database, one file per trustee (mode 0600). */
export const demoTrusteeKeyPath = (dataDir: string, index: number) => join(resolve(dataDir), 'demo-trustees', `trustee-${index}.key`);

function demoDefinition(trusteeKeys: string[], issuerCount: number): CreateElectionDto {
  return {
    slug: 'demo-leuven-2027',
    title: 'Gemeenteraadsverkiezingen Leuven 2027 (demo)',
    kind: 'municipal',
    electionDay: DEMO_ELECTION_DAY,
    constituency: DEMO_CONSTITUENCY,
    // Leuven is in Flanders, where local elections are no longer compulsory (from 2024).
    compulsoryVoting: false,
    revoting: 'last',
    trusteeThreshold: DEMO_TRUSTEE_THRESHOLD,
    trustees: trusteeKeys.map((publicKey, i) => ({ name: `Demo trustee ${i + 1}`, publicKey })),
    issuerThreshold: Math.floor(issuerCount / 2) + 1,
    contests: [
      {
        id: 'council',
        title: 'Gemeenteraad / Conseil communal / Gemeinderat / Council',
        kind: 'one-of-m',
        minSelections: 1,
        maxSelections: 1,
        blankAllowed: true,
        options: [
          { id: 'list-1', title: 'Lijst 1 — Groen Leuven' },
          { id: 'list-2', title: 'Lijst 2 — Leuven Vooruit' },
          { id: 'list-3', title: 'Lijst 3 — Stad Leuven' },
          { id: 'list-4', title: 'Lijst 4 — Burgerlijst' },
        ],
      },
      {
        id: 'car-free-centre',
        title: 'Referendum: autovrije binnenstad? / Car-free city centre?',
        kind: 'referendum',
        minSelections: 1,
        maxSelections: 1,
        blankAllowed: true,
        options: [
          { id: 'yes', title: 'Ja / Oui / Ja / Yes' },
          { id: 'no', title: 'Nee / Non / Nein / No' },
        ],
      },
    ],
  };
}

/**
 * Makes the demo election ready on `npm start`: created (fixed id), key ceremony run by three demo
 * trustees, open. The trustees are the real trustee program (src/cli/trustee.ts) talking to this server
 * over HTTP, each with its own key file under DATA_DIR/demo-trustees: the server never holds their
 * secrets, even in the demo. Idempotent: a restarted platform resumes or skips.
 */
export async function ensureDemoElection(app: INestApplication, config: AppConfig, baseUrl: string): Promise<void> {
  const logger = new Logger('Demo');
  const elections = app.get(ElectionsService);
  let status: string | undefined;
  try {
    status = (await elections.get(DEMO_ELECTION_ID)).status;
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
  }
  // Its officials are the platform's (against the sandbox: the fixture's official); also for a demo
  // election created before elections had officials.
  const officials = app.get(SessionService).platformOfficials();
  if (status) await app.get(ElectionOfficials).add(DEMO_ELECTION_ID, officials);
  if (status && status !== 'draft' && status !== 'key_ceremony') return;

  mkdirSync(join(resolve(config.DATA_DIR), 'demo-trustees'), { recursive: true, mode: 0o700 });
  const keyPaths = Array.from({ length: DEMO_TRUSTEES }, (_, i) => demoTrusteeKeyPath(config.DATA_DIR, i + 1));
  for (const path of keyPaths) if (!existsSync(path)) trusteeInit(path);
  const publicKeys = keyPaths.map((p) => readTrusteeKey(p).publicKey);

  if (!status) {
    await elections.create(demoDefinition(publicKeys, app.get(ElectionIssuers).count), officials, DEMO_ELECTION_ID);
    status = 'draft';
  }
  if (status === 'draft') await elections.transition(DEMO_ELECTION_ID, 'start_key_ceremony', null);
  logger.log('Demo key ceremony: three local trustees deal and check their shares');
  await Promise.all(keyPaths.map((keyPath) => trusteeCeremony({ server: baseUrl, electionId: DEMO_ELECTION_ID, keyPath, pollMs: 100, timeoutMs: 60_000 })));
  await elections.transition(DEMO_ELECTION_ID, 'open', null);
  logger.log('Demo election open');
}
