import { Controller, HttpCode, Module, Param, Post } from '@nestjs/common';
import { CurrentUser, Roles } from '../../../src/modules/identity/roles';
import type { SessionPrincipal } from '../../../src/modules/identity/session.service';
import { actionHash, StepUpService } from '../../../src/modules/identity/step-up.service';
import { describeEachBackend } from '../../support/databases';
import { approveAtSandbox, CookieJar, countRows, go, login, startIdentityApp, type IdentityTestApp } from './support';

// Plays the later elections module: opening an election needs a fresh confirmation of that action.
const openMessage = (id: string) => `Open the election ${id}`;
@Controller('probe-elections')
class ProbeElectionsController {
  constructor(private readonly stepUps: StepUpService) {}
  @Post(':id/open')
  @HttpCode(200)
  @Roles('official')
  async open(@Param('id') id: string, @CurrentUser() user: SessionPrincipal) {
    await this.stepUps.consume(user, actionHash(openMessage(id)));
    return { opened: id };
  }
}
@Module({ controllers: [ProbeElectionsController] })
class ProbeModule {}

describeEachBackend('identity: step-up confirmation', (db) => {
  let t: IdentityTestApp;
  beforeAll(async () => {
    t = await startIdentityApp(db(), {}, [ProbeModule]);
  });
  afterAll(() => t?.close());

  const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  async function official(): Promise<CookieJar> {
    const jar = new CookieJar();
    expect((await login(t.url, jar, 'official')).status).toBe(303);
    return jar;
  }

  /** Starts a step-up for `message` and plays the user at the sandbox; returns the callback's answer. */
  async function confirm(jar: CookieJar, message: string, o: { identity?: string; confirm?: boolean } = {}) {
    const start = await go(jar, `${t.url}/auth/step-up`, json({ action: message, actionHash: actionHash(message), returnTo: '/done' }));
    expect(start.status).toBe(200);
    const { authorizationUrl } = (await start.json()) as { authorizationUrl: string };
    const { callbackUrl, page } = await approveAtSandbox(jar, authorizationUrl, { identity: o.identity ?? 'official', confirm: o.confirm ?? true });
    return { res: await go(jar, callbackUrl), authorizationUrl, page };
  }

  const open = (jar: CookieJar, id: string) => go(jar, `${t.url}/probe-elections/${id}/open`, { method: 'POST' });

  it('asks the identity provider for a fresh acr_advanced authentication showing the action', async () => {
    const jar = await official();
    const { res, authorizationUrl, page } = await confirm(jar, openMessage('e1'));
    const p = new URL(authorizationUrl).searchParams;
    expect(p.get('acr_values')).toBe('http://itsme.services/v2/claim/acr_advanced');
    expect(p.get('prompt')).toBe('login');
    expect(p.get('max_age')).toBe('0');
    expect(p.get('binding_message')).toBe(openMessage('e1'));
    expect(page).toContain(openMessage('e1'));
    expect(page).toContain('name="confirm"');
    // No inline script (CSP script-src 'self'): only the sandbox's own file, which enables Approve once the box is ticked.
    expect(page).not.toMatch(/<script(?![^>]*\ssrc="\/sandbox-idp\/interaction\/assets\/confirm\.js")/i);
    expect(page).toMatch(/value="approve" disabled/);
    expect(page).toMatch(/value="official" checked/); // the person this browser approved as before
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/done');
  });

  it("passes the page's language to the identity provider first (lang), and ignores one that is not ours", async () => {
    const jar = await official();
    const start = async (lang: unknown) => {
      const message = openMessage('e-lang');
      const res = await go(jar, `${t.url}/auth/step-up`, json({ action: message, actionHash: actionHash(message), returnTo: '/done', lang }));
      expect(res.status).toBe(200);
      return new URL(((await res.json()) as { authorizationUrl: string }).authorizationUrl).searchParams.get('ui_locales');
    };
    expect(await start('de')).toBe('de nl fr en');
    expect(await start('en')).toBe('en nl fr de');
    expect(await start('klingon')).toBe('nl fr de en');
    expect(await start(['fr'])).toBe('nl fr de en');
    expect(await start(undefined)).toBe('nl fr de en');
  });

  it('is single-use', async () => {
    const jar = await official();
    const sessions = await countRows(t.db, 'identity_sessions');
    expect((await confirm(jar, openMessage('e2'))).res.status).toBe(303);
    expect(await countRows(t.db, 'identity_sessions')).toBe(sessions); // a confirmation is not a new session
    const first = await open(jar, 'e2');
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ opened: 'e2' });
    const second = await open(jar, 'e2');
    expect(second.status).toBe(403);
    expect((await second.json()).error).toBe('step_up_required');
  });

  it('is consumed once even by concurrent requests', async () => {
    const jar = await official();
    await confirm(jar, openMessage('e11'));
    const statuses = (await Promise.all([open(jar, 'e11'), open(jar, 'e11'), open(jar, 'e11')])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 403, 403]);
  });

  it('is bound to the action hash', async () => {
    const jar = await official();
    await confirm(jar, openMessage('e3'));
    const other = await open(jar, 'e4');
    expect(other.status).toBe(403);
    expect((await other.json()).error).toBe('step_up_required');
    expect((await open(jar, 'e3')).status).toBe(200); // the refused attempt did not spend it
  });

  it('is bound to the session (and its subject)', async () => {
    const jar = await official();
    await confirm(jar, openMessage('e5'));
    const otherSession = await official(); // the same person, logged in elsewhere
    expect((await open(otherSession, 'e5')).status).toBe(403);
    expect((await open(jar, 'e5')).status).toBe(200);
  });

  it('requires acr_advanced: an approval without the confirm box is refused', async () => {
    const jar = await official();
    const before = await countRows(t.db, 'identity_step_ups');
    const { res } = await confirm(jar, openMessage('e6'), { confirm: false });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('step_up_acr');
    expect(await countRows(t.db, 'identity_step_ups')).toBe(before);
    expect((await open(jar, 'e6')).status).toBe(403);
  });

  it('requires the same person as the session', async () => {
    const jar = await official();
    const before = await countRows(t.db, 'identity_step_ups');
    const { res } = await confirm(jar, openMessage('e7'), { identity: 'voter' });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('step_up_subject_mismatch');
    expect(await countRows(t.db, 'identity_step_ups')).toBe(before);
    expect((await open(jar, 'e7')).status).toBe(403);
  });

  it('refuses an action hash that is not the hash of the action message', async () => {
    const jar = await official();
    const res = await go(jar, `${t.url}/auth/step-up`, json({ action: openMessage('e8'), actionHash: actionHash('something else') }));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('action_hash_mismatch');
    const bad = await go(jar, `${t.url}/auth/step-up`, json({ action: 'x', actionHash: 'ABC' }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe('validation_failed');
  });

  it('is refused when it has expired', async () => {
    const jar = await official();
    await confirm(jar, openMessage('e9'));
    await t.db.query(`UPDATE identity_step_ups SET expires_at = now() - interval '1 second' WHERE consumed_at IS NULL`);
    expect((await open(jar, 'e9')).status).toBe(403);
  });

  it('keeps voters out of official actions (403) and anonymous users out (401)', async () => {
    const voter = new CookieJar();
    await login(t.url, voter, 'voter');
    const r = await open(voter, 'e10');
    expect(r.status).toBe(403);
    expect((await r.json()).error).toBe('forbidden_role');
    expect((await open(new CookieJar(), 'e10')).status).toBe(401);
  });
});
