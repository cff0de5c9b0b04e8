import { createHash } from 'node:crypto';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AppConfig } from '../config/app-config';
import { DomainError } from './errors/domain-error';

/** 429 in the API's error shape `{ error: 'too_many_requests', message }`. */
export class TooManyRequestsError extends DomainError {
  readonly status = 429;
}

/**
 * A fixed-window counter per key, in memory only (never written to the database, never logged).
 * Keys are opaque strings chosen by the caller; expired windows are pruned as the map grows.
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one hit; answers whether it is allowed and, if not, the seconds until the window resets. */
  hit(key: string): { allowed: boolean; retryAfterSeconds: number } {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size >= 10_000) this.prune(now);
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    w.count += 1;
    return { allowed: w.count <= this.limit, retryAfterSeconds: Math.max(1, Math.ceil((w.resetAt - now) / 1000)) };
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}

type Bucket = 'login' | 'tokens' | 'cast';

/** Which handlers are limited, by controller class name and handler name. */
const LIMITED: Record<string, Bucket> = {
  'AuthController.start': 'login',
  'AuthController.callback': 'login',
  'AuthController.confirmCallback': 'login',
  'AuthController.stepUp': 'login',
  'AuthController.tokenLogin': 'tokens',
  'AuthController.tokenAssertion': 'tokens',
  'TokensController.issue': 'tokens',
  'BallotsController.cast': 'cast',
  'BallotsController.audit': 'cast',
};

/** In-memory digest of a client key, so the limiter's map holds no raw session id. */
const digest = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, 22);

/**
 * Abuse limits (issue 9). Login and token issuance are identified steps: they are limited per client
 * address (login) and per session cookie, else address (tokens). Casting is anonymous and must stay
 * unlinkable: it is limited per token pseudonym (from the body; the pseudonym is public on the board
 * anyway) and globally — never by address or session, and nothing of the request is stored beyond
 * the counters of the current window.
 */
export class RateLimitGuard implements CanActivate {
  private readonly login?: FixedWindowLimiter;
  private readonly tokens?: FixedWindowLimiter;
  private readonly castPerPseudonym?: FixedWindowLimiter;
  private readonly castGlobal?: FixedWindowLimiter;

  constructor(config: AppConfig, now: () => number = Date.now) {
    const windowMs = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
    const make = (limit: number) => (limit > 0 ? new FixedWindowLimiter(limit, windowMs, now) : undefined);
    this.login = make(config.RATE_LIMIT_LOGIN_PER_MINUTE);
    this.tokens = make(config.RATE_LIMIT_TOKENS_PER_MINUTE);
    this.castPerPseudonym = make(config.RATE_LIMIT_CAST_PER_MINUTE);
    this.castGlobal = make(config.RATE_LIMIT_CAST_GLOBAL_PER_MINUTE);
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const bucket = LIMITED[`${context.getClass().name}.${context.getHandler().name}`];
    if (!bucket) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const address = req.socket.remoteAddress ?? 'unknown';
    if (bucket === 'login') this.check(res, this.login, `a:${address}`, 'Too many login attempts from this address; try again later');
    if (bucket === 'tokens') {
      const cookie = req.headers.cookie;
      const session = typeof cookie === 'string' ? /(?:^|;\s*)(?:__Host-)?evote_session=([^;]+)/.exec(cookie)?.[1] : undefined;
      this.check(res, this.tokens, session ? `s:${digest(session)}` : `a:${address}`, 'Too many token requests; try again later');
    }
    if (bucket === 'cast') {
      this.check(res, this.castGlobal, 'global', 'The platform receives too many ballots right now; try again shortly (your ballot was not recorded)');
      const pseudonym = (req.body as { token?: { pseudonym?: unknown } } | undefined)?.token?.pseudonym;
      // A well-formed pseudonym (32 bytes, hex) is its own key; anything else is refused by validation later.
      if (typeof pseudonym === 'string' && /^[0-9a-f]{64}$/.test(pseudonym)) {
        this.check(res, this.castPerPseudonym, `p:${pseudonym}`, 'Too many ballots under this token; try again later (this ballot was not recorded)');
      }
    }
    return true;
  }

  private check(res: Response, limiter: FixedWindowLimiter | undefined, key: string, message: string): void {
    if (!limiter) return;
    const { allowed, retryAfterSeconds } = limiter.hit(key);
    if (allowed) return;
    res.setHeader('Retry-After', String(retryAfterSeconds));
    throw new TooManyRequestsError('too_many_requests', message);
  }
}
