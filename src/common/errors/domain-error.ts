/**
 * Errors the services throw. The global exception filter maps each to an HTTP status and the
 * JSON error shape `{ error, message, details? }`; services never throw HTTP exceptions themselves.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends DomainError {
  readonly status = 400;
}
export class UnauthenticatedError extends DomainError {
  readonly status = 401;
}
export class ForbiddenError extends DomainError {
  readonly status = 403;
}
export class NotFoundError extends DomainError {
  readonly status = 404;
}
export class ConflictError extends DomainError {
  readonly status = 409;
}
/** Well-formed but not acceptable in the current state (e.g. election not open). */
export class StateError extends DomainError {
  readonly status = 409;
}
/** Well-formed input whose content fails a check (e.g. a proof that does not verify). */
export class UnprocessableError extends DomainError {
  readonly status = 422;
}
/** A service this one depends on cannot be reached or refused: nothing was done, try again later. */
export class DependencyUnavailableError extends DomainError {
  readonly status = 503;
}
