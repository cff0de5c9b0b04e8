import type { CookieOptions, Request, Response } from 'express';
import type { AppConfig } from '../../config/app-config';

/** Reads one cookie from the Cookie header (no cookie-parser needed). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) {
      const value = part.slice(i + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export interface CookieNames {
  session: string;
  login: string;
}

export function secureCookies(config: AppConfig): boolean {
  return config.publicUrl.startsWith('https:');
}

/** `__Host-` prefixed names when served over https (secure, path=/, no domain). */
export function cookieNames(config: AppConfig): CookieNames {
  const secure = secureCookies(config);
  return { session: secure ? '__Host-evote_session' : 'evote_session', login: secure ? '__Host-evote_login' : 'evote_login' };
}

export function cookieOptions(config: AppConfig, maxAgeSeconds: number): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: secureCookies(config), path: '/', maxAge: maxAgeSeconds * 1000 };
}

export function clearCookie(res: Response, config: AppConfig, name: string): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure: secureCookies(config), path: '/' });
}
