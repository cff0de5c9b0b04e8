// Every migration, in order. Listed explicitly (no glob) so the same list serves the compiled server,
// the migration command and the tests. Names: <epoch-ms>-<PascalName>.ts, plain SQL, our constraint names.
import { PlatformMetadata1764010000000 } from './1764010000000-PlatformMetadata';
import { ElectionsAndBulletinBoard1764020000000 } from './1764020000000-ElectionsAndBulletinBoard';
import { TokenIssuance1764030000000 } from './1764030000000-TokenIssuance';
import { IdentityAndVoterRoll1795547555781 } from './1795547555781-IdentityAndVoterRoll';
import { ElectionDefinition1795560000000 } from './1795560000000-ElectionDefinition';
import { KeyCeremony1795570000000 } from './1795570000000-KeyCeremony';
import { Tally1795580000000 } from './1795580000000-Tally';
import { LeastPrivilege1795590000000 } from './1795590000000-LeastPrivilege';
import { ElectionOfficials1795600000000 } from './1795600000000-ElectionOfficials';
import { BoardNodes1795610000000 } from './1795610000000-BoardNodes';
import { PerElectionIssuerKeys1795620000000 } from './1795620000000-PerElectionIssuerKeys';
import { SubmissionCounters1795630000000 } from './1795630000000-SubmissionCounters';
import { SessionsWithoutNationalNumber1795631000000 } from './1795631000000-SessionsWithoutNationalNumber';
import { SeparateIssuers1795640000000 } from './1795640000000-SeparateIssuers';
import { ArchivedDrafts1795650000000 } from './1795650000000-ArchivedDrafts';
import { CeremonyDeadlines1795670000000 } from './1795670000000-CeremonyDeadlines';
import { CompulsoryVoting1795680000000 } from './1795680000000-CompulsoryVoting';

export const allMigrations = [
  PlatformMetadata1764010000000,
  ElectionsAndBulletinBoard1764020000000,
  TokenIssuance1764030000000,
  IdentityAndVoterRoll1795547555781,
  ElectionDefinition1795560000000,
  KeyCeremony1795570000000,
  Tally1795580000000,
  LeastPrivilege1795590000000,
  ElectionOfficials1795600000000,
  BoardNodes1795610000000,
  PerElectionIssuerKeys1795620000000,
  SubmissionCounters1795630000000,
  SessionsWithoutNationalNumber1795631000000,
  SeparateIssuers1795640000000,
  ArchivedDrafts1795650000000,
  CeremonyDeadlines1795670000000,
  CompulsoryVoting1795680000000,
];
