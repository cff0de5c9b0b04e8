import type { Request } from 'express';
import { problemPageUrl, rememberNextStep, wantsPage } from './problem-page';

const req = (path: string, accept: string, o: { method?: string; query?: Record<string, string> } = {}) =>
  ({ method: o.method ?? 'GET', path, headers: { accept }, query: o.query ?? {} }) as unknown as Request;
const HTML = 'text/html,application/xhtml+xml,*/*;q=0.8';

describe('problem pages: by route and Accept', () => {
  it('only browser navigations to the routes people open get a page', () => {
    expect(wantsPage(req('/auth/callback', HTML))).toBe(true);
    expect(wantsPage(req('/auth/confirm/callback', HTML))).toBe(true); // the Confirmation service's redirect URI
    expect(wantsPage(req('/booth/not-a-uuid', HTML))).toBe(true);
    expect(wantsPage(req('/auth/callback', '*/*'))).toBe(false); // curl, fetch
    expect(wantsPage(req('/booth/x', 'application/json'))).toBe(false);
    expect(wantsPage(req('/elections/x', HTML))).toBe(false); // the JSON API, even in a browser tab
    expect(wantsPage(req('/auth/me', HTML))).toBe(false);
    expect(wantsPage(req('/auth/callback', HTML, { method: 'POST' }))).toBe(false);
  });

  it('names the reason, and the next step only as a same-origin path', () => {
    expect(problemPageUrl(req('/auth/callback', HTML, { query: { error: 'access_denied' } }), new Error(), 401, 'login_failed')).toBe('/error/?reason=login_cancelled&next=%2Fbooth%2F');
    expect(problemPageUrl(req('/auth/confirm/callback', HTML, { query: { error: 'access_denied' } }), new Error(), 401, 'login_failed')).toBe('/error/?reason=login_cancelled&next=%2Fbooth%2F');
    const e = new Error();
    rememberNextStep(e, '/console/?election=1');
    expect(problemPageUrl(req('/auth/callback', HTML), e, 401, 'step_up_acr')).toBe(`/error/?reason=step_up_acr&next=${encodeURIComponent('/console/?election=1')}`);
    const evil = new Error();
    rememberNextStep(evil, '//evil.example');
    expect(problemPageUrl(req('/auth/callback', HTML), evil, 401, 'login_failed')).toBe('/error/?reason=login_failed&next=%2Fbooth%2F');
    // A code the page has no words for is not passed through.
    expect(problemPageUrl(req('/booth/x', HTML), new Error(), 404, 'whatever<script>')).toBe('/error/?reason=not_found&next=%2Fbooth%2F');
    expect(problemPageUrl(req('/observer/x', HTML), new Error(), 500, 'internal')).toBe('/error/?reason=unknown&next=%2Fobserver%2F');
  });
});
