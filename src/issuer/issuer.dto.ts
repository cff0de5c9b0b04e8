import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { NestedArray } from '../common/validation/decorators';
import { MAX_TOKEN_REQUEST_ISSUERS } from '../crypto/tokens/token-request';
import { ELECTION_KINDS, type ElectionKind } from '../modules/eligibility/eligibility';

const ISSUER_ID = /^[A-Za-z0-9_-]{43}$/;

/** The election's rules, as the commission gives them to the issuer with the request for its key. */
export class IssuerElectionDto {
  @IsIn(ELECTION_KINDS, { message: `kind must be one of ${ELECTION_KINDS.join(', ')}` }) kind: ElectionKind;
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'electionDay must be YYYY-MM-DD' }) electionDay: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100) constituency?: string;
}

export class TokenRequestPartDto {
  @Matches(ISSUER_ID, { message: 'issuerId must be an issuer key thumbprint (43 base64url characters)' }) issuerId: string;
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'blindedHash must be SHA-256 in base64url (43 characters)' }) blindedHash: string;
}

export class SeparateTokenRequestDto {
  /** The identity provider's signed ID token (compact JWS) from the login whose nonce binds `requests`. */
  @Matches(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, { message: 'idToken must be a compact JWS' })
  @MaxLength(16_384)
  idToken: string;

  @Matches(ISSUER_ID, { message: 'issuerId must be an issuer key thumbprint (43 base64url characters)' }) issuerId: string;

  @Matches(/^[A-Za-z0-9_-]{1,1024}$/, { message: 'blindedMessage must be base64url without padding' }) blindedMessage: string;

  /** Every issuer's part of the request (issuer id and SHA-256 of its blinded message): the nonce is their hash. */
  @NestedArray(() => TokenRequestPartDto, MAX_TOKEN_REQUEST_ISSUERS) requests: TokenRequestPartDto[];
}
