import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ErrorBody } from './error-body';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SESSION_COOKIE = /(?:^|;\s*)(?:__Host-)?evote_(?:session|login)=/;

/**
 * Cross-site request refusal (issue 9), on top of the SameSite=Lax session cookie: a state-changing
 * request (not GET/HEAD/OPTIONS) that carries our session or login cookie is refused with
 * 403 `cross_site_request` when the browser says it comes from another site — `Sec-Fetch-Site:
 * cross-site` or `same-site` (a sibling subdomain is another origin) — or, from browsers that do not
 * send Sec-Fetch-Site, when its `Origin` is neither the platform's public origin nor the origin the
 * request was addressed to. Requests without our cookie
 * (anonymous casting, trustees' signed requests, API clients) are not concerned: they carry no ambient
 * authority to abuse.
 */
export function csrfProtection(publicUrl: string): RequestHandler {
  const publicOrigin = new URL(publicUrl).origin;
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method) || !SESSION_COOKIE.test(req.headers.cookie ?? '')) return next();
    const fetchSite = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    let crossSite: boolean;
    if (typeof fetchSite === 'string') {
      // Set by the browser itself (a forbidden header): authoritative when present.
      crossSite = fetchSite === 'cross-site' || fetchSite === 'same-site';
    } else {
      // Older browsers: the Origin. "null" is what a same-origin form POST sends under our
      // Referrer-Policy: no-referrer, so it is left to the SameSite=Lax cookie.
      const own = `${req.protocol}://${req.headers.host ?? ''}`;
      crossSite = typeof origin === 'string' && origin !== 'null' && origin !== publicOrigin && origin !== own;
    }
    if (!crossSite) return next();
    const body: ErrorBody = { error: 'cross_site_request', message: 'A request from another site may not act with your session' };
    res.status(403).json(body);
  };
}
