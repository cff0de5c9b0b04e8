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

/**
 * Not an itsme parameter (it is CIBA's): itsme's Confirmation API takes the text in the request
 * object's claims instead. The sandbox refuses it, as a strict provider would; the relying party never sends it.
 */
export const BINDING_MESSAGE_PARAM = 'binding_message';

/**
 * itsme's Confirmation API (WYSIWYS): the claims naming the template and its text, asked with
 * `{essential: true, value}` in the request object's `claims.userinfo`.
 */
export const APPROVAL_CLAIM = {
  templateName: 'http://itsme.services/v2/claim/claim_approval_template_name',
  textKey: 'http://itsme.services/v2/claim/claim_approval_text_key',
} as const;
export const FREE_TEXT_TEMPLATE = 'free_text';
/** itsme: "The free text template can contain up to 7500 characters." */
export const CONFIRM_TEXT_MAX_LENGTH = 7500;

/** The characters ISO-8859-15 has beyond Latin-1's range 0x00–0xFF (it drops eight Latin-1 ones for them). */
const LATIN9_EXTRA = new Set([0x20ac, 0x160, 0x161, 0x17d, 0x17e, 0x152, 0x153, 0x178]);
const LATIN1_DROPPED = new Set([0xa4, 0xa6, 0xa8, 0xb4, 0xb8, 0xbc, 0xbd, 0xbe]);

/**
 * Whether every character of `text` is a printable character of ISO-8859-15 (itsme shows only that
 * character set). Control characters (C0, DEL, C1) are refused too: nothing shows them.
 */
export function isPrintableLatin9(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (LATIN9_EXTRA.has(c)) continue;
    if (c > 0xff || LATIN1_DROPPED.has(c) || c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false;
  }
  return true;
}

/** Why an action text cannot be sent to itsme's free_text template, or null when it can. */
export function confirmTextProblem(text: string): string | null {
  if (text.length === 0) return 'the text is empty';
  if (text.length > CONFIRM_TEXT_MAX_LENGTH) return `the text is longer than ${CONFIRM_TEXT_MAX_LENGTH} characters`;
  if (!isPrintableLatin9(text)) return 'the text has characters outside ISO-8859-15 (itsme shows only that character set)';
  return null;
}

/** The service a scope names (`service:<code>`), or null when it names none or several. */
export function serviceOf(scope: string): string | null {
  const services = scope.split(' ').filter((s) => s.startsWith('service:'));
  return services.length === 1 ? services[0].slice('service:'.length) : null;
}
