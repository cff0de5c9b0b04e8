/** itsme's OpenID Connect vocabulary, shared by the relying party and the sandbox identity provider. */
export const ITSME_CLAIM = {
  nationalNumber: 'http://itsme.services/v2/claim/BENationalNumber',
  citizenship: 'http://itsme.services/v2/claim/claim_citizenship',
  documentNumber: 'http://itsme.services/v2/claim/IDDocumentSN',
} as const;

export const ACR = {
  basic: 'http://itsme.services/v2/claim/acr_basic',
  advanced: 'http://itsme.services/v2/claim/acr_advanced',
} as const;

export type AcrLevel = keyof typeof ACR;

/** The claims the relying party asks for in the ID token (through the `claims` parameter). */
export const ID_TOKEN_CLAIMS = [
  ITSME_CLAIM.nationalNumber,
  'birthdate',
  ITSME_CLAIM.citizenship,
  'address',
  ITSME_CLAIM.documentNumber,
  'given_name',
  'family_name',
] as const;

/** Scopes besides `openid` and `service:<code>`. */
export const EXTRA_SCOPES = ['profile', 'eid', 'address'] as const;

export function scopeFor(serviceCode: string): string {
  return ['openid', `service:${serviceCode}`, ...EXTRA_SCOPES].join(' ');
}

/** The extra authorization parameter carrying the message a step-up confirmation approves. */
export const BINDING_MESSAGE_PARAM = 'binding_message';
