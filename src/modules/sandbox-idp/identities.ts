import file from './identities.json';
import type { RollBasis } from '../eligibility/eligibility';

/** A fake person the sandbox identity provider can log in as. */
export interface SandboxIdentity {
  key: string;
  label: string;
  note: string;
  /** The subject identifier the sandbox issues for this person (itsme's is opaque, per service). */
  sub: string;
  nationalNumber: string;
  given_name: string;
  family_name: string;
  birthdate: string;
  citizenship: string;
  address: { street_address: string; postal_code: string; locality: string; country: string };
  documentNumber: string;
  /** The demo election's roll entry, if this person is on it. */
  roll: { constituency: string; basis: RollBasis } | null;
  /** Roles the sandbox grants when no OFFICIAL_/TRUSTEE_NATIONAL_NUMBERS are configured. */
  roles: Array<'official' | 'trustee'>;
}

export const SANDBOX_IDENTITIES: readonly SandboxIdentity[] = (file as { identities: SandboxIdentity[] }).identities;

export function sandboxIdentity(key: string): SandboxIdentity {
  const found = SANDBOX_IDENTITIES.find((i) => i.key === key);
  if (!found) throw new Error(`no sandbox identity ${key}`);
  return found;
}

/** The demo election's roll as CSV (national_number,constituency,basis), for officials to import in a demo. */
export function demoRollCsv(): string {
  const lines = SANDBOX_IDENTITIES.filter((i) => i.roll).map((i) => `${i.nationalNumber},${i.roll!.constituency},${i.roll!.basis}`);
  return `national_number,constituency,basis\n${lines.join('\n')}\n`;
}
