/** itsme's OpenID Connect vocabulary, shared by the relying party and the sandbox identity provider. */
export const ITSME_CLAIM = {
  nationalNumber: 'http://itsme.services/v2/claim/BENationalNumber',
  citizenship: 'http://itsme.services/v2/claim/claim_citizenship',
  citizenshipIso: 'http://itsme.services/v2/claim/claim_citizenship_as_iso',
  birthdateAsString: 'http://itsme.services/v2/claim/birthdate_as_string',
  /** Offered by itsme; the platform does not ask for it (nothing uses the document's serial number). */
  documentNumber: 'http://itsme.services/v2/claim/IDDocumentSN',
} as const;

export const ACR = {
  basic: 'http://itsme.services/v2/claim/acr_basic',
  advanced: 'http://itsme.services/v2/claim/acr_advanced',
} as const;

export type AcrLevel = keyof typeof ACR;

/**
 * The itsme level an `acr` value names, or null. Compared without regard to case: itsme's guides write
 * both `http://itsme.services/v2/claim/acr_basic` and `.../V2/...`, and a host and scheme are
 * case-insensitive anyway. Only these two documented values are accepted.
 */
export function acrLevel(value: unknown): AcrLevel | null {
  if (typeof value !== 'string') return null;
  const v = value.toLowerCase();
  return v === ACR.basic ? 'basic' : v === ACR.advanced ? 'advanced' : null;
}

/**
 * The claims the relying party asks for in the ID token (through the `claims` parameter), each for a
 * purpose (docs/identity.md lists them for itsme's onboarding form). Not asked: address (the roll gives
 * the constituency), IDDocumentSN, photo, gender, place of birth, e-mail, phone.
 */
export const ID_TOKEN_CLAIMS = [
  ITSME_CLAIM.nationalNumber,
  'birthdate',
  ITSME_CLAIM.birthdateAsString,
  ITSME_CLAIM.citizenship,
  ITSME_CLAIM.citizenshipIso,
  'given_name',
  'family_name',
] as const;

/**
 * The claims eligibility cannot do without: asked as `essential`. The others are asked as voluntary:
 * itsme sends `birthdate_as_string` only when `birthdate` is absent, and `claim_citizenship_as_iso`
 * is best effort.
 */
export const ESSENTIAL_CLAIMS: ReadonlySet<string> = new Set([ITSME_CLAIM.nationalNumber, 'birthdate', ITSME_CLAIM.citizenship]);

/**
 * Scopes besides `openid` and `service:<code>`: none. Every claim is asked by name in the `claims`
 * parameter, so no scope releases more than what is used (`profile` would add the photo and gender,
 * `address` the address, `eid` the document number).
 */
export const EXTRA_SCOPES = [] as const;

export function scopeFor(serviceCode: string): string {
  return ['openid', `service:${serviceCode}`, ...EXTRA_SCOPES].join(' ');
}

/** The extra authorization parameter carrying the message a step-up confirmation approves. */
export const BINDING_MESSAGE_PARAM = 'binding_message';
