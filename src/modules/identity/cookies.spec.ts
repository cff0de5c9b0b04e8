import type { Request } from 'express';
import { loadConfig } from '../../config/app-config';
import { cookieNames, cookieOptions, readCookie } from './cookies';
import { safeReturnTo } from './login.service';

describe('identity cookies', () => {
  it('are Secure with the __Host- prefix when PUBLIC_URL is https', () => {
    const https = loadConfig({ PUBLIC_URL: 'https://vote.example.be' });
    expect(cookieNames(https)).toEqual({ session: '__Host-evote_session', login: '__Host-evote_login' });
    expect(cookieOptions(https, 60)).toEqual({ httpOnly: true, sameSite: 'lax', secure: true, path: '/', maxAge: 60_000 });
    const http = loadConfig({});
    expect(cookieNames(http)).toEqual({ session: 'evote_session', login: 'evote_login' });
    expect(cookieOptions(http, 60).secure).toBe(false);
  });

  it('reads one cookie from the header', () => {
    const req = (cookie?: string) => ({ headers: cookie === undefined ? {} : { cookie } }) as Request;
    expect(readCookie(req('a=1; evote_session=abc; b=2'), 'evote_session')).toBe('abc');
    expect(readCookie(req('xevote_session=abc'), 'evote_session')).toBeUndefined();
    expect(readCookie(req('evote_session=%E0%A4%A'), 'evote_session')).toBeUndefined();
    expect(readCookie(req(), 'evote_session')).toBeUndefined();
  });

  it('only lets local paths through as returnTo', () => {
    expect(safeReturnTo('/elections/x?tab=1')).toBe('/elections/x?tab=1');
    for (const bad of [undefined, '', 'x', '//evil.example', '/\\evil.example', 'https://evil.example', '/a b', 'javascript:alert(1)']) expect(safeReturnTo(bad)).toBe('/');
  });
});
