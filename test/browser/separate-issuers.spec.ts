import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { describeEachBackend } from '../support/databases';
import { openElection, type OpenElection } from '../support/scenario';
import { type RunningIssuer, separateIssuersEnv, startIssuers, stopIssuers } from '../support/separate-issuers';
import { freePort, startIdentityApp, type IdentityTestApp } from '../integration/identity/support';
import { approveAtSandbox, buildWeb, launch, recordRequests, shot } from './support';

// The booth with separate issuers (ISSUERS=separate): one more itsme login, made for the blinded
// requests this tab prepared, then each issuer is asked directly by the tab, without cookies.
describeEachBackend(
  'browser: the booth with separate issuers',
  (db) => {
    let t: IdentityTestApp;
    let e: OpenElection;
    let browser: Browser;
    let issuers: RunningIssuer[] = [];
    let web = '';

    beforeAll(async () => {
      web = buildWeb();
      const port = await freePort();
      issuers = await startIssuers(db().backend, `http://127.0.0.1:${port}`);
      [t, browser] = await Promise.all([startIdentityApp(db(), { PORT: String(port), ...separateIssuersEnv(issuers) }), launch()]);
      e = await openElection(t, { issuerThreshold: 2 });
    }, 360_000); // three issuer processes, the platform and a browser: slow on a loaded 2-core machine
    afterAll(async () => {
      await browser?.close();
      await t?.close();
      await stopIssuers(issuers);
      if (web) rmSync(web, { recursive: true, force: true });
    });

    it('a voter logs in, confirms the token login, the tab asks each issuer itself (no cookie, nothing through the platform), and casts', async () => {
      const context = await browser.newContext({ locale: 'en-GB' });
      const page = await context.newPage();
      const requests = recordRequests(page);
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));

      await page.goto(`${t.url}/booth/?election=${e.id}`);
      await page.click('#login');
      await approveAtSandbox(page, 'voter');
      await page.waitForSelector('#eligible');
      await page.click('#get-token');
      // The login for the token: its nonce is this tab's request hash.
      await approveAtSandbox(page, 'voter');
      await page.waitForSelector('form#ballot');
      expect(page.url()).not.toContain('token-login');
      await shot(page, 'booth-separate-1-ballot');
      await page.check('#opt-council-list-a');
      await page.check('#opt-referendum-yes');
      await page.click('#encrypt');
      await page.waitForSelector('#tracking-code');
      await page.click('#cast');
      await page.waitForSelector('#receipt-verified');

      const toIssuers = requests.filter((r) => r.method === 'POST' && issuers.some((i) => r.url.startsWith(`${i.url}/elections/${e.id}/tokens`)));
      expect(toIssuers).toHaveLength(3);
      for (const r of toIssuers) {
        expect(Object.keys(await r.headers).map((k) => k.toLowerCase())).not.toContain('cookie');
        expect(JSON.parse(r.body!)).toEqual(expect.objectContaining({ idToken: expect.any(String), blindedMessage: expect.any(String), requests: expect.any(Array) }));
      }
      expect(requests.filter((r) => r.url.startsWith(t.url) && r.url.endsWith('/tokens'))).toHaveLength(0);
      expect(errors).toEqual([]);
      await context.close();
    }, 120_000);
  },
  ['pglite'],
);
