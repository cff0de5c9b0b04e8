import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DomainError, NotFoundError, UnauthenticatedError } from '../../common/errors/domain-error';
import { CryptoError } from '../../crypto/errors';
import { ristretto255Group as group } from '../../crypto/group';
import {
  TRUSTEE_CLOCK_SKEW_MS,
  TRUSTEE_HEADERS,
  parseTrusteeHeaders,
  verifyTrusteeRequest,
  type ParsedTrusteeHeaders,
} from '../../crypto/threshold/trustee-auth';
import { KeyCeremonyService } from './key-ceremony.service';
import { TRUSTEE_MEDIA_TYPE, type WithRawBody } from './raw-body.middleware';

const TRUSTEE = Symbol('evote:trustee');
type TrusteeRequest = WithRawBody & { [TRUSTEE]?: number };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
}

/**
 * Authenticates a trustee's signed request (docs/protocol.md §35.1): the four `Evote-*` headers, a Schnorr
 * signature by the trustee's registered key over election, index, method, path, body hash, timestamp and
 * nonce; the timestamp within ±5 minutes of the server clock; the nonce never seen before. 401 otherwise.
 */
@Injectable()
export class TrusteeAuthGuard implements CanActivate {
  constructor(private readonly ceremony: KeyCeremonyService) {}

  /** The clock; replaceable in tests. */
  static now: () => number = Date.now;

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<TrusteeRequest>();
    const electionId = String(req.params.id ?? '');
    if (!UUID.test(electionId)) throw new NotFoundError('election_not_found', 'No such election');
    let h: ParsedTrusteeHeaders;
    try {
      h = parseTrusteeHeaders(group, {
        trustee: header(req, TRUSTEE_HEADERS.trustee),
        timestamp: header(req, TRUSTEE_HEADERS.timestamp),
        nonce: header(req, TRUSTEE_HEADERS.nonce),
        signature: header(req, TRUSTEE_HEADERS.signature),
      });
    } catch (e) {
      if (e instanceof CryptoError) throw new UnauthenticatedError('trustee_auth_missing', `This request must be signed by a trustee: ${e.message}`);
      throw e;
    }
    if (!Buffer.isBuffer(req.rawBody)) {
      throw new UnsupportedMediaTypeError('unsupported_media_type', `Send a signed trustee request with Content-Type: ${TRUSTEE_MEDIA_TYPE}`);
    }
    const now = TrusteeAuthGuard.now();
    if (Math.abs(now - h.timestamp) > TRUSTEE_CLOCK_SKEW_MS) {
      throw new UnauthenticatedError('trustee_auth_stale', 'Evote-Timestamp is more than 5 minutes away from the server clock');
    }
    const setup = await this.ceremony.setup(electionId);
    const trustee = setup.trustees.find((t) => t.index === h.trustee);
    if (!trustee) throw new UnauthenticatedError('trustee_auth_unknown', `This election has no trustee ${h.trustee}`);
    const ok = verifyTrusteeRequest(
      group,
      setup.params.setupHash,
      trustee.publicKey,
      {
        electionId,
        trustee: h.trustee,
        method: req.method.toUpperCase(),
        path: req.originalUrl,
        body: new Uint8Array(req.rawBody),
        timestamp: h.timestamp,
        nonce: h.nonce,
      },
      h.signature,
    );
    if (!ok) throw new UnauthenticatedError('trustee_auth_invalid', `The signature does not verify under trustee ${h.trustee}'s registered key`);
    if (!(await this.ceremony.useNonce(electionId, h.trustee, h.nonce, now))) {
      throw new UnauthenticatedError('trustee_auth_replay', 'This Evote-Nonce was already used: sign every request afresh');
    }
    req[TRUSTEE] = h.trustee;
    return true;
  }
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? undefined : v;
}

/** The authenticated trustee index of a handler guarded by {@link TrusteeAuthGuard}. */
export const CurrentTrustee = createParamDecorator((_data: unknown, context: ExecutionContext): number => {
  const t = context.switchToHttp().getRequest<TrusteeRequest>()[TRUSTEE];
  if (t === undefined) throw new UnauthenticatedError('trustee_auth_missing', 'This request must be signed by a trustee');
  return t;
});
