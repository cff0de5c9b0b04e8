import type { Request } from 'express';

/**
 * Errors as pages for people, JSON for programs. A browser that navigates (GET with `Accept: text/html`,
 * as every browser sends for a page) to one of the routes people open — the OpenID Connect callback and
 * login, the pages' own paths — is sent to `/error/`, which says in the person's language what happened
 * and what to do next. Every other request (the JSON API, `fetch` from the pages, API clients) keeps
 * the JSON error body. Decided by route *and* Accept, so `curl /auth/callback` still gets JSON.
 */
const PAGE_ROUTES = [/^\/auth\/(callback|login|confirm\/callback)$/, /^\/(booth|console|observer|error)(\/|$)/];

/** The reasons the error page has words for (src/web/i18n `problem.*`); anything else is `unknown`. */
export const PROBLEM_REASONS = [
  'login_cancelled', 'login_failed', 'login_state_missing', 'login_acr', 'claims_invalid',
  'step_up_acr', 'step_up_subject_mismatch', 'step_up_session_mismatch', 'step_up_not_fresh',
  'not_found', 'unavailable', 'unknown',
] as const;
export type ProblemReason = (typeof PROBLEM_REASONS)[number];

/** The page a failed flow should lead back to (the flow's returnTo), kept beside the error it caused. */
const nextSteps = new WeakMap<object, string>();
export function rememberNextStep(error: unknown, path: string): void {
  if (typeof error === 'object' && error !== null) nextSteps.set(error, path);
}

export function wantsPage(req: Request): boolean {
  if (req.method !== 'GET') return false;
  const accept = String(req.headers.accept ?? '');
  return accept.includes('text/html') && PAGE_ROUTES.some((r) => r.test(req.path));
}

/** `/error/?reason=…&next=…`: `next` only a same-origin path (as safeReturnTo), never another site. */
export function problemPageUrl(req: Request, error: unknown, status: number, code: string): string {
  let reason: ProblemReason = (PROBLEM_REASONS as readonly string[]).includes(code) ? (code as ProblemReason) : status === 404 ? 'not_found' : status === 503 ? 'unavailable' : 'unknown';
  // The identity provider's "the person cancelled" arrives as a refused login: say it as it is.
  if ((req.path === '/auth/callback' || req.path === '/auth/confirm/callback') && req.query.error === 'access_denied') reason = 'login_cancelled';
  const remembered = typeof error === 'object' && error !== null ? nextSteps.get(error) : undefined;
  const fallback = req.path.startsWith('/console') ? '/console/' : req.path.startsWith('/observer') ? '/observer/' : '/booth/';
  const next = remembered && /^\/(?![/\\])[\x21-\x7e]*$/.test(remembered) ? remembered : fallback;
  return `/error/?reason=${reason}&next=${encodeURIComponent(next)}`;
}
