import type { Browser } from 'playwright-core';
import { auditBody, obtainBallotToken, prepareBallot } from '../../src/client/voter-client';
import { describeEachBackend } from '../support/databases';
import { confirmAction, openElection, voterSession, type OpenElection } from '../support/scenario';
import { go, startIdentityApp, type IdentityTestApp } from '../integration/identity/support';
import { buildWeb, launch, shot } from './support';

const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describeEachBackend(
  "browser: the observers' page",
  (db) => {
    let t: IdentityTestApp;
    let e: OpenElection;
    let browser: Browser;
    const codes: string[] = [];
    let auditCode = '';

    beforeAll(async () => {
      buildWeb();
      [t, browser] = await Promise.all([startIdentityApp(db()), launch()]);
      e = await openElection(t);
      for (let i = 1; i <= 4; i++) {
        const v = await voterSession(t, `crowd-${String(i).padStart(3, '0')}`);
        const { token, pseudonym } = await obtainBallotToken(t.url, e.election, e.id, e.issuers, v.send);
        if (i === 2) {
          const a = await fetch(`${t.url}/elections/${e.id}/audits`, post(auditBody(e.election, prepareBallot(e.election, e.id, token, pseudonym, { council: ['list-c'], referendum: ['no'] }))));
          auditCode = (await a.json()).trackingCode;
        }
        const p = prepareBallot(e.election, e.id, token, pseudonym, { council: [['list-a', 'list-b', 'list-c'][i % 3]], referendum: ['yes'] });
        const res = await fetch(`${t.url}/elections/${e.id}/ballots`, post(p.castBody));
        codes.push((await res.json()).trackingCode);
      }
      await confirmAction(t, e.official, e.id, 'close');
      const closed = await go(e.official, `${t.url}/elections/${e.id}/close`, { method: 'POST' });
      if (closed.status !== 200) throw new Error(`close answered ${closed.status}`);
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it('lists the elections, shows the board, finds ballots and an audit, and verifies the record in a Web Worker', async () => {
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
      expect(await page.textContent('#turnout')).toContain('4');
      expect(await page.locator('#board tbody tr').count()).toBeGreaterThan(5);
      await page.selectOption('#lang-select', 'en');
      await page.waitForSelector('text=Verify the election record');

      await page.fill('#code-input', codes[1]);
      await page.click('#search-button');
      await page.waitForSelector('#search-verdict.ok');
      await page.fill('#code-input', auditCode);
      await page.click('#search-button');
      await page.waitForSelector('#audit-check.ok');
      expect(await page.textContent('#audit-choices')).toContain('Lijst C');
      await shot(page, 'observer-1-audit-found');

      await page.click('#verify');
      await page.waitForSelector('#verify-status[data-ok]', { timeout: 60_000 });
      expect(await page.getAttribute('#verify-status', 'data-ok')).toBe('true');
      const statuses = await page.locator('#checks li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-status')));
      expect(statuses.length).toBeGreaterThanOrEqual(7);
      expect(statuses.every((s) => s === 'pass')).toBe(true);
      expect(await page.getAttribute('#verify-progress', 'value')).toBe(await page.getAttribute('#verify-progress', 'max'));
      await shot(page, 'observer-2-verified');
      expect(failures).toEqual([]);
      await context.close();
    }, 120_000);
  },
  ['pglite'],
);
