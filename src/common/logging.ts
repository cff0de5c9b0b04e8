import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';

/**
 * Structured request logs. They carry a request id, method, route path, status and duration, and
 * nothing that identifies a voter: no IP address, no query string (OIDC codes and state travel
 * there), no headers, no bodies. Linking a voter to a ballot through logs must be impossible.
 */
export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.LOG_LEVEL,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: (err: Error) => ({ type: err.name, message: err.message }),
      },
      redact: { paths: ['req.headers', 'req.remoteAddress', 'req.remotePort'], remove: true },
      customProps: () => ({}),
      quietReqLogger: true,
    },
  };
}
