import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { DomainError, InvalidInputError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';

import { TRUSTEE_MEDIA_TYPE } from '../../crypto/threshold/trustee-auth';

export { TRUSTEE_MEDIA_TYPE };

export type WithRawBody = Request & { rawBody?: Buffer };

class PayloadTooLargeError extends DomainError {
  readonly status = 413;
}

/**
 * Keeps the exact bytes of a signed trustee request. The global JSON parser only takes `application/json`,
 * so a body sent as {@link TRUSTEE_MEDIA_TYPE} arrives here unread: it is read up to BODY_LIMIT_BYTES,
 * kept as `req.rawBody` for the signature check, and parsed as JSON into `req.body` for validation.
 */
@Injectable()
export class RawBodyMiddleware implements NestMiddleware {
  constructor(private readonly config: AppConfig) {}

  async use(req: WithRawBody, _res: Response, next: NextFunction): Promise<void> {
    if (req.method === 'GET' || req.method === 'HEAD' || Buffer.isBuffer(req.rawBody) || !req.is(TRUSTEE_MEDIA_TYPE)) return next();
    const limit = this.config.BODY_LIMIT_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += b.length;
      if (size > limit) throw new PayloadTooLargeError('payload_too_large', 'The request body is larger than the limit');
      chunks.push(b);
    }
    const raw = Buffer.concat(chunks);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new InvalidInputError('bad_request', 'The request body is not valid JSON');
    }
    if (typeof body !== 'object' || body === null) throw new InvalidInputError('bad_request', 'The request body must be a JSON object');
    req.rawBody = raw;
    req.body = body;
    next();
  }
}
