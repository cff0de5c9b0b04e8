import file from './sandbox-identities.json';
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
  /** The national register's birth date, YYYY-MM-DD; an unknown month or day is 00 (as in the national number). */
  birthdate: string;
  /** How itsme sends it: `birthdate` (default), or only `birthdate_as_string` (when the register's date is incomplete, or as real accounts may). */
  birthdateClaim?: 'birthdate' | 'birthdate_as_string';
  /** The document's citizenship text (`Belg` on a Belgian eID; ISO 3166-1 alpha-3 for another country's document). */
  citizenship: string;
  /** itsme's `claim_citizenship_as_iso`, when it sends one (best effort). */
  citizenshipIso?: string;
  /**
   * `foreign`: the itsme account was enrolled with another country's document, so itsme sends no
   * BENationalNumber (the person may still have one, and be on the roll under it).
   */
  document?: 'belgian' | 'foreign';
  /** `V2`: the sandbox writes the acr with a capital V, as an older itsme guide does. */
  acrSpelling?: 'v2' | 'V2';
  address: { street_address: string; postal_code: string; locality: string; country: string };
  documentNumber: string;
  /** The demo election's roll entry, if this person is on it. */
  roll: { constituency: string; basis: RollBasis } | null;
  /** Roles the sandbox grants when no OFFICIAL_/TRUSTEE_NATIONAL_NUMBERS are configured. */
  roles: Array<'official' | 'trustee'>;
}

/** The default number of generated crowd voters; the same 200 people in every test run. */
export const DEFAULT_SANDBOX_CROWD_SIZE = 200;
/** More than this would not fit the national-number scheme below (and is far beyond any load test). */
export const MAX_SANDBOX_CROWD_SIZE = 1_000_000;

/**
 * How many generated "crowd" voters the sandbox adds to the fixture, for load and end-to-end tests:
 * SANDBOX_CROWD_SIZE from the environment (the load benchmark asks for tens of thousands), else 200.
 * Read here rather than through AppConfig because the fixture is a module-level constant.
 */
export function crowdSizeFrom(env: Record<string, string | undefined>): number {
  const raw = env.SANDBOX_CROWD_SIZE?.trim();
  if (raw === undefined || raw === '') return DEFAULT_SANDBOX_CROWD_SIZE;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 0 && n <= MAX_SANDBOX_CROWD_SIZE)) throw new Error(`SANDBOX_CROWD_SIZE must be an integer between 0 and ${MAX_SANDBOX_CROWD_SIZE} (got ${JSON.stringify(raw)})`);
  return n;
}

export const SANDBOX_CROWD_SIZE = crowdSizeFrom(process.env);

/** Birth days (from 1960-01-01) per serial block for crowd voters beyond the first 200: all born before 1999. */
const CROWD_DAYS = 14_000;

/**
 * Generated adult Belgian voters in Leuven, on the demo roll: `crowd-001` … `crowd-200` (and on up to
 * SANDBOX_CROWD_SIZE). Fake national numbers (born 1960–1998, valid checksum), derived from the index so
 * every run sees the same people. The first 200 keep their original numbers; later ones take serials
 * 301–997 (the first 200 use 101–300), one birth day each per block of CROWD_DAYS, so none collide.
 */
export function crowdIdentity(n: number): SandboxIdentity {
  const day = n <= 200 ? n * 67 : (n - 201) % CROWD_DAYS;
  const born = new Date(Date.UTC(1960, 0, 1) + day * 86_400_000);
  const yymmdd = born.toISOString().slice(2, 10).replace(/-/g, '');
  const serial = String(n <= 200 ? 100 + n : 301 + Math.floor((n - 201) / CROWD_DAYS)).padStart(3, '0');
  const check = String(97 - (Number(`${yymmdd}${serial}`) % 97)).padStart(2, '0');
  const key = `crowd-${String(n).padStart(3, '0')}`;
  return {
    key,
    label: `Crowd voter ${n}`,
    note: 'Generated voter on the Leuven roll (tests and demos)',
    sub: `sbxcrowd${String(n).padStart(6, '0')}`,
    nationalNumber: `${yymmdd}${serial}${check}`,
    given_name: 'Crowd',
    family_name: `Voter ${n}`,
    birthdate: born.toISOString().slice(0, 10),
    citizenship: 'Belg',
    address: { street_address: `Naamsestraat ${n}`, postal_code: '3000', locality: 'Leuven', country: 'BE' },
    documentNumber: `59210${String(n).padStart(7, '0')}`,
    roll: { constituency: 'Leuven', basis: 'belgian' },
    roles: [],
  };
}

export const SANDBOX_IDENTITIES: readonly SandboxIdentity[] = [
  ...(file as { identities: SandboxIdentity[] }).identities,
  ...Array.from({ length: SANDBOX_CROWD_SIZE }, (_, i) => crowdIdentity(i + 1)),
];

/** Generated crowd voters are accepted by key but not listed one by one on the login page. */
export const isCrowdIdentity = (i: SandboxIdentity): boolean => i.key.startsWith('crowd-');

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
