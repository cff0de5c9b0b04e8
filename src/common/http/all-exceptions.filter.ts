import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { CryptoError } from '../../crypto/errors';
import { DomainError } from '../errors/domain-error';
import type { ErrorBody } from './error-body';
import { problemPageUrl, wantsPage } from './problem-page';

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
  503: 'unavailable',
};

/** body-parser errors carry `type` and `status`; they never reach Nest as HttpExceptions. */
interface BodyParserError {
  type: string;
  status?: number;
  statusCode?: number;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return typeof e === 'object' && e !== null && typeof (e as BodyParserError).type === 'string' &&
    typeof ((e as BodyParserError).status ?? (e as BodyParserError).statusCode) === 'number';
}

/** Seconds a client should wait before retrying after a database outage (a restart takes a few). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Socket errors of the connection to the database: the server is down, restarting or unreachable. */
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** SQLSTATEs of class 57P: admin_shutdown, crash_shutdown, cannot_connect_now. */
const UNAVAILABLE_SQLSTATE = new Set(['57P01', '57P02', '57P03']);
/** pg and pg-pool report a lost or never-made connection with plain Errors, recognisable only by message. */
const UNAVAILABLE_MESSAGE = [
  /^Connection terminated/, // unexpectedly; due to connection timeout
  /^timeout exceeded when trying to connect$/, // pg-pool: no client within connectionTimeoutMillis
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
];

/**
 * Whether `e` says the database cannot be reached now (a restart, a crash, a network cut), rather than
 * that a query is wrong. TypeORM wraps driver errors (`driverError`), Node wraps causes (`cause`) and
 * happy-eyeballs connects (`AggregateError.errors`), so the chain is followed a few levels deep.
 */
export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (typeof e !== 'object' || e === null || depth > 4) return false;
  // TypeORM releases a query runner whose connection emitted 'error' between two queries; the
  // transaction's next query then fails with one of these instead of the connection error itself.
  if (e instanceof QueryRunnerAlreadyReleasedError || e instanceof QueryRunnerProviderAlreadyReleasedError) return true;
  const x = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
  if (typeof x.code === 'string') {
    if (UNAVAILABLE_ERRNO.has(x.code) || UNAVAILABLE_SQLSTATE.has(x.code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(x.code)) return true; // class 08: connection exception
  }
  if (e instanceof Error && UNAVAILABLE_MESSAGE.some((re) => re.test(e.message))) return true;
  const nested = [x.driverError, x.cause, ...(Array.isArray(x.errors) ? x.errors : [])];
  return nested.some((n) => n !== e && isDatabaseUnavailable(n, depth + 1));
}

/**
 * Maps every error to `{ error, message, details? }`. Domain and crypto errors become 4xx; anything
 * unexpected becomes a 500 whose body says nothing about internals (the log has the stack). A database
 * outage is a 503 with Retry-After: the request may simply be sent again.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const [status, body] = this.toBody(exception);
    const unavailable = body.error === 'service_unavailable';
    // An outage (a database restart, a red /health) is expected operations, not a bug: one line, no stack.
    if (status === HttpStatus.SERVICE_UNAVAILABLE) this.logger.warn(`${unavailable ? 'database unavailable' : 'unavailable'}: ${exception instanceof Error ? exception.message : String(exception)}`);
    else if (status >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (response.headersSent) return;
    if (unavailable) response.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    const request = host.switchToHttp().getRequest<Request | undefined>();
    if (request && wantsPage(request)) {
      // A person's browser: a page in their language with the next step, not JSON (problem-page.ts);
      // a 5xx too (the identity provider unreachable, a bug): the log above has what operators need.
      response.setHeader('Cache-Control', 'no-store');
      return void response.redirect(303, problemPageUrl(request, exception, status, body.error));
    }
    response.status(status).json(body);
  }

  toBody(e: unknown): [number, ErrorBody] {
    if (e instanceof DomainError) {
      return [e.status, { error: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) }];
    }
    if (e instanceof CryptoError) {
      const status = e.code === 'INVALID_PROOF' || e.code === 'INVALID_SIGNATURE' ? 422 : 400;
      return [status, { error: `crypto_${e.code.toLowerCase()}`, message: e.message }];
    }
    if (e instanceof HttpException) {
      const status = e.getStatus();
      const res = e.getResponse();
      const code = STATUS_CODES[status] ?? (status >= 500 ? 'internal' : 'error');
      if (typeof res === 'object' && res !== null) {
        const r = res as { message?: unknown; error?: unknown; details?: unknown[] };
        // ValidationPipe puts the list of failed constraints in `message`.
        if (Array.isArray(r.message)) {
          return [status, { error: status === 400 ? 'validation_failed' : code, message: 'The request is not valid', details: r.message }];
        }
        const message = typeof r.message === 'string' ? r.message : e.message;
        return [status, { error: code, message, ...(r.details ? { details: r.details } : {}) }];
      }
      return [status, { error: code, message: String(res) }];
    }
    if (isBodyParserError(e)) {
      const status = e.status ?? e.statusCode ?? 400;
      if (status < 500) {
        const messages: Record<string, string> = {
          'entity.too.large': 'The request body is larger than the limit',
          'entity.parse.failed': 'The request body is not valid JSON',
          'encoding.unsupported': 'The request body encoding is not supported',
          'charset.unsupported': 'The request body charset is not supported',
          'request.aborted': 'The request was aborted',
          'entity.verify.failed': 'The request body could not be verified',
          'request.size.invalid': 'The request body size does not match its Content-Length',
        };
        return [status, { error: STATUS_CODES[status] ?? 'bad_request', message: messages[e.type] ?? 'The request body could not be read' }];
      }
    }
    if (isDatabaseUnavailable(e)) {
      return [HttpStatus.SERVICE_UNAVAILABLE, { error: 'service_unavailable', message: 'The database is unavailable; try again shortly' }];
    }
    if (e instanceof QueryFailedError) {
      const driverError = (e as QueryFailedError & { driverError?: { code?: string; constraint?: string } }).driverError;
      if (driverError?.code === '23505') {
        return [409, { error: 'conflict', message: 'The request conflicts with an existing record', details: driverError.constraint ? [driverError.constraint] : undefined }];
      }
    }
    return [HttpStatus.INTERNAL_SERVER_ERROR, { error: 'internal', message: 'An unexpected error occurred' }];
  }
}
