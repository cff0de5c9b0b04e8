import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config';

/**
 * Structured request logs. They carry a request id, method, route path, status and duration, and
 * nothing that identifies a voter: no IP address, no query string (OIDC codes and state travel
 * there), no headers, no bodies. Linking a voter to a ballot through logs must be impossible.
 */
export function loggerParams(config: AppConfig, destination?: DestinationStream): Params {
  const options = {
    level: config.LOG_LEVEL,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: redactPath(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: (err: Error) => ({ type: err.name, message: err.message }),
    },
    redact: { paths: ['req.headers', 'req.remoteAddress', 'req.remotePort'], remove: true },
    customProps: () => ({}),
    quietReqLogger: true,
  };
  return { pinoHttp: destination ? [options, destination] : options };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRACKING_CODE_SHAPE = /^[a-z0-9]{4}(-?[a-z0-9]{4}){3}$/i;
const isRouteWord = (seg: string) => seg.length <= 24 && /^[a-z][a-z._-]*$/.test(seg) && !TRACKING_CODE_SHAPE.test(seg);

/**
 * The request path without its query, and with every segment that could identify a ballot or a person
 * (tracking codes, hashes, tokens: anything but short words, numbers and election ids) replaced by `:x`.
 */
export function redactPath(url: string): string {
  return url
    .split('?')[0]
    .split('/')
    .map((seg) => (seg === '' || isRouteWord(seg) || /^\d{1,12}$/.test(seg) || UUID.test(seg) ? seg : ':x'))
    .join('/');
}
