import { DomainError } from '../../common/errors/domain-error';

/** The identity provider cannot be reached (discovery or JWKS failed). */
export class IdentityProviderUnavailableError extends DomainError {
  readonly status = 503;
}
