import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { describeEachBackend } from '../support/databases';
import { closedElection, decryptWith, type ClosedElection } from '../support/tally-election';
import { startIdentityApp, type IdentityTestApp } from '../integration/identity/support';
import { approveAtSandbox, buildWeb, launch, shot } from './support';

describeEachBackend(
  "browser: the observers' page",
  (db) => {
    let t: IdentityTestApp;
    let e: ClosedElection;
    let browser: Browser;
    let web = '';
    let castCode = '';
    let auditCode = '';

    beforeAll(async () => {
      web = buildWeb();
      [t, browser] = await Promise.all([startIdentityApp(db()), launch()]);
      // 8 crowd voters (one audits first, one votes again), real trustee ceremony, close, 2 of 3 trustees decrypt.
      e = await closedElection(t, 8);
      await decryptWith(t, e, [1, 2]);
      const rows: Array<{ tracking_code: string; audited: boolean }> = await t.db.query('SELECT tracking_code, audited FROM ballots WHERE election_id = $1 ORDER BY seq', [e.id]);
      castCode = rows.find((r) => !r.audited)!.tracking_code;
      auditCode = rows.find((r) => r.audited)!.tracking_code;
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
      await t?.close();
      if (web) rmSync(web, { recursive: true, force: true });
    });

    it('lists the elections, shows the board, finds ballots and an audit, and verifies the record in Web Workers (ballots on one sub-worker per core)', async () => {
      const context = await browser.newContext({ locale: 'de-DE' });
      const page = await context.newPage();
      const failures: string[] = [];
      page.on('pageerror', (err) => failures.push(err.message));
      await page.goto(`${t.url}/`);
      await page.click('#to-observer');
      await page.waitForSelector('#elections');
      expect(await page.getAttribute('html', 'lang')).toBe('de');
      await page.click(`a[href="/observer/?election=${e.id}"]`);
      await page.waitForSelector('#head-signature.ok');
      expect(await page.textContent('#turnout')).toContain(`${e.cast} `);
      // Results: a bar per option, with the decrypted totals.
      for (const [option, n] of Object.entries(e.expected.council)) expect(await page.textContent(`#results [data-option="${option}"] .count`)).toBe(String(n));
      expect(await page.locator('#board tbody tr').count()).toBeGreaterThan(5);
      await page.selectOption('#lang-select', 'en');
      await page.waitForSelector('text=Verify the election record');

      await page.fill('#code-input', castCode);
      await page.click('#search-button');
      await page.waitForSelector('#search-verdict.ok');
      await page.fill('#code-input', auditCode);
      await page.click('#search-button');
      await page.waitForSelector('#audit-check.ok');
      expect(await page.textContent('#audit-choices')).toMatch(/Lijst [ABC]/);
      await shot(page, 'observer-1-audit-found');

      await page.click('#verify');
      await page.waitForSelector('#verify-status[data-ok]', { timeout: 60_000 });
      expect(await page.getAttribute('#verify-status', 'data-ok')).toBe('true');
      // The ballots were checked by sub-workers (one per core), not on the verifier worker's own thread.
      expect(Number(await page.getAttribute('#verify-status', 'data-workers'))).toBeGreaterThanOrEqual(1);
      const statuses = await page.locator('#checks li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-status')));
      expect(statuses.length).toBe(15);
      expect(statuses.every((s) => s === 'pass')).toBe(true);
      expect(await page.getAttribute('#verify-progress', 'value')).toBe(await page.getAttribute('#verify-progress', 'max'));
      await shot(page, 'observer-2-verified');
      expect(failures).toEqual([]);
      await context.close();
    }, 120_000);

    it('an official publishes the tallied result with step-up', async () => {
      const context = await browser.newContext({ locale: 'nl-BE' });
      const page = await context.newPage();
      await page.goto(`${t.url}/console/?election=${e.id}`);
      await page.click('#login');
      await approveAtSandbox(page, 'official');
      await page.waitForSelector('#status[data-status="tallied"]');
      await page.click('#do-publish');
      await approveAtSandbox(page, 'official', true);
      await page.waitForSelector('#status[data-status="published"]');
      await page.waitForSelector('#action-done');
      await shot(page, 'console-6-published');
      await context.close();
    }, 60_000);
  },
  ['pglite'],
);
