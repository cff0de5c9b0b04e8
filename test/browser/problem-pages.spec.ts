import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { CATALOGS, type Lang, type MessageKey } from '../../src/web/i18n';
import { describeEachBackend } from '../support/databases';
import { confirmAction, openElection, type OpenElection } from '../support/scenario';
import { go, startIdentityApp, type IdentityTestApp } from '../integration/identity/support';
import { SANDBOX_TEXTS } from '../../src/modules/sandbox-idp/login-page';
import { approveAtSandbox, buildWeb, launch } from './support';

const LOCALE: Record<Lang, string> = { nl: 'nl-BE', fr: 'fr-BE', de: 'de-BE', en: 'en-GB' };

/** The problem page shows the catalog's words for `reason` in `lang`, and no JSON. */
async function expectProblem(page: Page, lang: Lang, reason: string): Promise<void> {
  await page.waitForSelector('#problem');
  expect(new URL(page.url()).pathname).toBe('/error/');
  expect(await page.getAttribute('#problem', 'data-reason')).toBe(reason);
  expect((await page.textContent('#problem'))!.trim()).toBe(CATALOGS[lang][`problem.${reason}.title` as MessageKey]);
  expect((await page.textContent('#problem-text'))!.trim()).toBe(CATALOGS[lang][`problem.${reason}.text` as MessageKey]);
  expect(await page.textContent('body')).not.toMatch(/"error"\s*:/);
}

// One backend: the pages and redirects are tested, not the database.
describeEachBackend(
  'browser: every error a page (issue 18)',
  (db) => {
    let t: IdentityTestApp;
    let e: OpenElection;
    let browser: Browser;
    let web = '';

    beforeAll(async () => {
      web = buildWeb();
      [t, browser] = await Promise.all([startIdentityApp(db()), launch()]);
      e = await openElection(t);
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await t?.close();
      if (web) rmSync(web, { recursive: true, force: true });
    });

    const booth = () => `/booth/?election=${e.id}`;

    for (const lang of ['nl', 'en'] as const) {
      it(`a cancelled login lands on a page in ${lang} that offers to log in again, back to the election`, async () => {
        const context = await browser.newContext({ locale: LOCALE[lang] });
        const page = await context.newPage();
        await page.goto(`${t.url}${booth()}`);
        await page.click('#login');
        await page.waitForURL(/\/sandbox-idp\/interaction\//);
        // The booth asked itsme for its own language first: the (sandbox) itsme page speaks it.
        expect(await page.getAttribute('html', 'lang')).toBe(lang);
        await page.click('button[value="deny"]');
        await expectProblem(page, lang, 'login_cancelled');
        expect(await page.getAttribute('#problem-retry', 'href')).toBe(`/auth/login?returnTo=${encodeURIComponent(booth())}&lang=${lang}`);
        // The next step works: log in again, and the booth of the same election opens.
        await page.click('#problem-retry');
        await approveAtSandbox(page, 'voter');
        await page.waitForSelector('#eligible');
        await context.close();
      }, 60_000);
    }

    /** Logged in as the official, starts a step-up from the page and arrives at the sandbox's confirmation page. */
    async function startStepUp(page: Page): Promise<void> {
      await page.goto(`${t.url}/console/`);
      await page.goto(`${t.url}/auth/login?returnTo=${encodeURIComponent('/console/')}`);
      await approveAtSandbox(page, 'official');
      await page.waitForURL(/\/console\//);
      const action = `Test action for ${e.id}`;
      const actionHash = createHash('sha256').update(action, 'utf8').digest('hex');
      const url = await page.evaluate(
        async (b) => (await (await fetch('/auth/step-up', { method: 'POST', referrerPolicy: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) })).json()).authorizationUrl as string,
        { action, actionHash, returnTo: `/console/?election=${e.id}` },
      );
      await page.goto(url);
      await page.waitForURL(/\/sandbox-idp\/interaction\//);
    }

    it('step-up: Approve is disabled until the box is ticked; approved without it (a page without the script) lands on a page in nl, back to the console', async () => {
      const context = await browser.newContext({ locale: 'nl-BE' });
      const page = await context.newPage();
      await startStepUp(page);
      expect(await page.isDisabled('button[value="approve"]')).toBe(true);
      await page.check('input[name="confirm"]');
      expect(await page.isDisabled('button[value="approve"]')).toBe(false);
      await page.uncheck('input[name="confirm"]');
      expect(await page.isDisabled('button[value="approve"]')).toBe(true);
      // The server decides, not the button: force it and the confirmation is refused.
      await page.evaluate(() => document.querySelector('button[value="approve"]')!.removeAttribute('disabled'));
      await page.click('button[value="approve"]');
      await expectProblem(page, 'nl', 'step_up_acr');
      expect(await page.getAttribute('#problem-back', 'href')).toBe(`/console/?election=${e.id}`);
      await context.close();
    }, 60_000);

    it('step-up approved as another person: the provider refuses it (the confirmation is pinned to the official), nothing comes back', async () => {
      const context = await browser.newContext({ locale: 'en-GB' });
      const page = await context.newPage();
      await startStepUp(page);
      await approveAtSandbox(page, 'voter', true);
      // The sandbox speaks the first of ui_locales (nl: the step-up was started without lang).
      await page.waitForSelector('p.error');
      expect((await page.textContent('p.error'))!.trim()).toBe(SANDBOX_TEXTS.nl.notYou);
      expect(page.url()).toContain('/sandbox-idp/interaction/');
      await context.close();
    }, 60_000);

    it('malformed and unknown elections in the booth URL are pages, not JSON (nl)', async () => {
      const context = await browser.newContext({ locale: 'nl-BE' });
      const page = await context.newPage();
      await page.goto(`${t.url}/booth/not-a-uuid`);
      await expectProblem(page, 'nl', 'not_found');
      await page.goto(`${t.url}/booth/?election=not-a-uuid`);
      await page.waitForSelector('#problem[data-reason="election_malformed"]');
      expect((await page.textContent('#problem'))!.trim()).toBe(CATALOGS.nl['problem.election_malformed.title']);
      await page.goto(`${t.url}/auth/login?returnTo=${encodeURIComponent('/booth/?election=00000000-0000-4000-8000-000000000000')}`);
      await approveAtSandbox(page, 'voter');
      await page.waitForSelector('#problem[data-reason="election_unknown"]');
      expect((await page.textContent('#problem-text'))!.trim()).toBe(CATALOGS.nl['problem.election_unknown.text']);
      await context.close();
    }, 60_000);

    it("a server's refusal in the booth is worded in the page language by its code (nl-BE): no English, no status", async () => {
      // An election of this test's own: it is closed under the voter, between encrypting and casting.
      const e2 = await openElection(t);
      const context = await browser.newContext({ locale: 'nl-BE' });
      const page = await context.newPage();
      await page.goto(`${t.url}/booth/?election=${e2.id}`);
      await page.click('#login');
      // The booth asked itsme for Dutch first.
      await page.waitForURL(/\/sandbox-idp\/interaction\//);
      expect(await page.getAttribute('html', 'lang')).toBe('nl');
      expect(await page.textContent('button[value="approve"]')).toBe('Goedkeuren');
      await approveAtSandbox(page, 'voter');
      await page.click('#get-token');
      await page.waitForSelector('form#ballot');
      await page.check('#opt-council-list-a');
      await page.check('#opt-referendum-yes');
      await page.click('#encrypt');
      await page.waitForSelector('#tracking-code');
      await confirmAction(t, e2.official, e2.id, 'close');
      expect((await go(e2.official, `${t.url}/elections/${e2.id}/close`, { method: 'POST' })).status).toBe(200);
      const answer = page.waitForResponse((r) => r.url().endsWith(`/elections/${e2.id}/ballots`) && r.request().method() === 'POST');
      await page.click('#cast');
      const refused = await answer;
      const code = ((await refused.json()) as { error: string; message: string });
      expect(refused.status()).toBeGreaterThanOrEqual(400);
      const shown = page.locator(`[role="alert"] .refusal[data-code="${code.error}"]`);
      await shown.waitFor();
      expect((await shown.textContent())!.trim()).toBe(CATALOGS.nl[`error.code.${code.error}` as MessageKey]);
      const alert = (await page.textContent('[role="alert"]'))!;
      expect(alert).not.toContain(code.message);
      expect(alert).not.toContain(String(refused.status()));
      expect(alert).not.toContain(CATALOGS.en[`error.code.${code.error}` as MessageKey]);
      await context.close();
    }, 90_000);

    it('the API keeps JSON: the same failures without Accept: text/html are JSON errors', async () => {
      const cb = await fetch(`${t.url}/auth/callback?error=access_denied`, { redirect: 'manual' });
      expect(cb.status).toBe(401);
      expect((await cb.json()).error).toBe('login_state_missing');
      const missing = await fetch(`${t.url}/booth/not-a-uuid`, { redirect: 'manual', headers: { accept: 'application/json' } });
      expect(missing.status).toBe(404);
      const page = await fetch(`${t.url}/booth/not-a-uuid`, { redirect: 'manual', headers: { accept: 'text/html' } });
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe('/error/?reason=not_found&next=%2Fbooth%2F');
      const api = await fetch(`${t.url}/elections/not-a-uuid`, { redirect: 'manual', headers: { accept: 'text/html' } });
      expect(api.status).toBe(400);
      expect(api.headers.get('content-type')).toContain('application/json');
    });
  },
  ['postgres'],
);
