import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { describeEachBackend } from '../support/databases';
import { openElection, type OpenElection } from '../support/scenario';
import { startIdentityApp, type IdentityTestApp } from '../integration/identity/support';
import { approveAtSandbox, buildWeb, launch, recordRequests } from './support';

/** The booth state this tab holds: storage key → parsed value (pseudonym key, token, receipts). */
const boothState = (page: Page) =>
  page.evaluate(() => Object.fromEntries(Object.keys(sessionStorage).filter((k) => k.startsWith('evote.booth.')).map((k) => [k, JSON.parse(sessionStorage.getItem(k)!)])));

/** The pseudonym of the one token this tab holds. */
async function heldPseudonym(page: Page): Promise<string> {
  const held = Object.values(await boothState(page)) as Array<{ token: { pseudonym: string } }>;
  expect(held).toHaveLength(1);
  return held[0].token.pseudonym;
}

// One backend: what is tested is the page's storage, not the database.
describeEachBackend(
  'browser: a shared device (issue 18: one person never uses the booth state of another)',
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

    async function loginAs(page: Page, identity: string): Promise<void> {
      await page.goto(`${t.url}/booth/?election=${e.id}`);
      await page.click('#login');
      await approveAtSandbox(page, identity);
      await page.waitForSelector('#eligible');
    }

    it('A gets a token, B logs A out and logs in in the same tab: B gets a token of their own, and the ballot on the board carries B\'s, not A\'s', async () => {
      const context = await browser.newContext({ locale: 'en-GB' });
      const page = await context.newPage();
      const requests = recordRequests(page);
      await loginAs(page, 'trustee-1');
      await page.click('#get-token');
      await page.waitForSelector('form#ballot');
      const tokenA = await heldPseudonym(page);

      // B, at the same device and tab: logs A out, which leaves nothing of A in the tab.
      await page.click('#logout');
      await page.waitForSelector('#login');
      expect(await boothState(page)).toEqual({});
      await page.click('#login');
      await approveAtSandbox(page, 'trustee-2');
      // The booth must not skip the token step with A's token.
      await page.waitForSelector('#get-token');
      expect(await page.textContent('.whoami')).toContain('Koen Jacobs');
      await page.click('#get-token');
      await page.waitForSelector('form#ballot');
      const tokenB = await heldPseudonym(page);
      expect(tokenB).not.toBe(tokenA);
      await page.check('#opt-council-list-a');
      await page.check('#opt-referendum-yes');
      await page.click('#encrypt');
      await page.click('#cast');
      await page.waitForSelector('#receipt-verified');
      const code = (await page.textContent('#receipt-code'))!.trim();

      const cast = requests.filter((r) => r.method === 'POST' && r.url.endsWith(`/elections/${e.id}/ballots`));
      expect(cast).toHaveLength(1);
      expect(JSON.parse(cast[0].body!).token.pseudonym).toBe(tokenB);
      // The board's entry under B's tracking code names B's pseudonym; A's token was never used.
      const found = (await (await fetch(`${t.url}/elections/${e.id}/ballots/${encodeURIComponent(code)}`)).json()) as { entry: { entry: string } };
      expect(found.entry.entry).toContain(tokenB);
      expect(found.entry.entry).not.toContain(tokenA);
      const board = await (await fetch(`${t.url}/elections/${e.id}/board/entries`)).text();
      expect(board).not.toContain(tokenA);
      await context.close();
    }, 120_000);

    it('a different person logging in without logging out first: the booth discards what the previous one left', async () => {
      const context = await browser.newContext({ locale: 'en-GB' });
      const page = await context.newPage();
      await loginAs(page, 'eighteen-on-day');
      const codeA = (await page.textContent('#voting-code'))!.trim();
      await page.click('#get-token');
      await page.waitForSelector('form#ballot');
      const tokenA = await heldPseudonym(page);
      // A new login replaces the session (here: straight to the login URL, no "Log out").
      await page.goto(`${t.url}/auth/login?returnTo=${encodeURIComponent(`/booth/?election=${e.id}`)}`);
      await approveAtSandbox(page, 'eighteen-day-before');
      await page.waitForSelector('#get-token');
      expect(JSON.stringify(await boothState(page))).not.toContain(tokenA);
      // Nothing of A's is left: only the voting code shown to B (B's own, not A's).
      const codeB = (await page.textContent('#voting-code'))!.trim();
      expect(codeB).not.toBe(codeA);
      expect(Object.values(await boothState(page))).toEqual([codeB]);
      await context.close();
    }, 120_000);

    it('the same person logging in again in the tab (e.g. after the session expired) finds their token again', async () => {
      const context = await browser.newContext({ locale: 'en-GB' });
      const page = await context.newPage();
      await loginAs(page, 'official');
      await page.click('#get-token');
      await page.waitForSelector('form#ballot');
      const token = await heldPseudonym(page);
      await context.clearCookies(); // the session is gone, the tab's storage is not
      await page.reload();
      await page.waitForSelector('#login');
      expect(JSON.stringify(await boothState(page))).toContain(token);
      await page.click('#login');
      await approveAtSandbox(page, 'official');
      await page.waitForSelector('form#ballot');
      expect(await heldPseudonym(page)).toBe(token);
      await context.close();
    }, 120_000);
  },
  ['postgres'],
);
