import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { describeEachBackend } from '../support/databases';
import { openElection, type OpenElection } from '../support/scenario';
import { startIdentityApp, type IdentityTestApp } from '../integration/identity/support';
import { approveAtSandbox, buildWeb, launch, recordRequests, shot } from './support';

describeEachBackend(
  'browser: the voting booth',
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

    it('a voter logs in, votes with the keyboard, audits once, casts anonymously and checks inclusion', async () => {
      const context = await browser.newContext({ locale: 'en-GB' });
      const page = await context.newPage();
      const requests = recordRequests(page);
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      page.on('response', async (r) => process.env.DEBUG_BROWSER && r.status() >= 400 && process.stdout.write(`[debug] ${r.status()} ${r.url()} ${JSON.stringify(await r.request().allHeaders())}\n`));
      page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));

      await page.goto(`${t.url}/booth/?election=${e.id}`);
      await page.click('#login');
      await approveAtSandbox(page, 'voter');
      await page.waitForSelector('#eligible');
      await shot(page, 'booth-1-eligible');
      await page.click('#get-token');
      await page.waitForSelector('form#ballot');

      // Keyboard only: arrow keys move within a radio group, Tab to the next group, Space selects, Enter submits.
      for (let i = 0; i < 12 && (await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)) !== 'council'; i++) await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('opt-council-list-a');
      await page.keyboard.press('ArrowDown'); // list-b
      await page.keyboard.press('Tab'); // the referendum group
      await page.keyboard.press('Space'); // yes
      expect(await page.isChecked('#opt-council-list-b')).toBe(true);
      expect(await page.isChecked('#opt-referendum-yes')).toBe(true);
      await shot(page, 'booth-2-ballot');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#tracking-code');
      const auditedCode = (await page.textContent('#tracking-code'))!.trim();
      await shot(page, 'booth-3-review');

      // Benaloh audit: the opened ballot shows the choices; then a fresh encryption to cast.
      await page.click('#audit');
      await page.waitForSelector('#audit-verdict.ok');
      expect(await page.textContent('#audit-opened')).toContain('Lijst B');
      expect((await page.textContent('#audit-code'))!.trim()).toBe(auditedCode);
      expect(await page.getAttribute('#audit-link', 'href')).toContain(`code=${auditedCode}`);
      await shot(page, 'booth-4-audited');
      // The second device: the link opens the observers' page, which re-checks the opened ballot itself.
      const second = await browser.newContext({ locale: 'fr-BE' });
      const other = await second.newPage();
      await other.goto((await page.getAttribute('#audit-link', 'href'))!);
      await other.waitForSelector('#audit-check.ok');
      expect(await other.textContent('#audit-choices')).toContain('Lijst B');
      await shot(other, 'booth-4b-audit-on-second-device');
      await second.close();
      await page.click('#reencrypt');
      await page.waitForSelector('#tracking-code');
      const code = (await page.textContent('#tracking-code'))!.trim();
      expect(code).not.toBe(auditedCode);

      await page.click('#cast');
      await page.waitForSelector('#receipt-code');
      expect((await page.textContent('#receipt-code'))!.trim()).toBe(code);
      // The booth checked the receipt itself: head signed by the anchored board key, inclusion, entry = this ballot, code recomputed.
      await page.waitForSelector('#receipt-verified');
      expect(await page.locator('#receipt-invalid').count()).toBe(0);
      await page.click('#check');
      await page.waitForSelector('#inclusion-verdict.ok');
      expect(await page.locator('#inclusion-checks li.ok').count()).toBe(3);
      await shot(page, 'booth-5-receipt-checked');

      // The cast request carried no cookie; no request body other than the (deliberately opened) audit
      // carries the plaintext choice: cast ballots list every option, encrypted.
      const cast = requests.filter((r) => r.method === 'POST' && r.url.endsWith(`/elections/${e.id}/ballots`));
      expect(cast).toHaveLength(1);
      const castHeaders = await cast[0].headers;
      expect(Object.keys(castHeaders).map((k) => k.toLowerCase())).not.toContain('cookie');
      const audits = requests.filter((r) => r.url.endsWith('/audits'));
      expect(audits).toHaveLength(1);
      expect(Object.keys(await audits[0].headers).map((k) => k.toLowerCase())).not.toContain('cookie');
      const tokenRequests = requests.filter((r) => r.url.endsWith('/tokens'));
      expect(tokenRequests.length).toBe(e.issuers.length);
      expect((await tokenRequests[0].headers).cookie).toBeTruthy(); // the only identified step
      for (const r of requests.filter((x) => x.body !== null && !x.url.endsWith('/audits') && new URL(x.url).origin === t.url)) {
        expect(r.body).not.toMatch(/Lijst B|"choices"|"reveal"|"votes"/);
      }
      const body = JSON.parse(cast[0].body!);
      for (const c of body.ballot.contests) expect(c.selections.length).toBe(c.contestId === 'council' ? 3 : 2);
      expect(errors).toEqual([]);

      // Re-voting: the same tab keeps the pseudonym key; a second ballot replaces the first.
      await page.click('#revote');
      await page.waitForSelector('#revote-note');
      await page.check('#opt-council-blank');
      await page.check('#opt-referendum-no');
      await page.click('#encrypt');
      await page.click('#cast');
      await page.waitForSelector('#receipt-code');
      expect((await page.textContent('#receipt-code'))!.trim()).not.toBe(code);
      await context.close();
    }, 120_000);

    const castOnce = async (page: import('playwright-core').Page) => {
      await page.click('#get-token');
      await page.waitForSelector('form#ballot');
      await page.check('#opt-council-list-a');
      await page.check('#opt-referendum-yes');
      await page.click('#encrypt');
      await page.waitForSelector('#tracking-code');
      await page.click('#cast');
    };

    it('attack: a receipt the board key did not sign, or whose entry is not the ballot, is shown to the voter as such', async () => {
      const context = await browser.newContext({ locale: 'en-GB' });
      const page = await context.newPage();
      let mode: 'signature' | 'entry' = 'signature';
      // The server (here: the network between) answers the cast with a doctored receipt.
      await page.route(`**/elections/${e.id}/ballots`, async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        const response = await route.fetch();
        const receipt = await response.json();
        if (mode === 'signature') receipt.head.signature = `${receipt.head.signature[0] === '0' ? '1' : '0'}${receipt.head.signature.slice(1)}`;
        else receipt.entry = receipt.entry.replace('"kind":"ballot"', '"kind":"audit"');
        await route.fulfill({ response, json: receipt });
      });
      await page.goto(`${t.url}/booth/?election=${e.id}`);
      await page.click('#login');
      await approveAtSandbox(page, 'trustee-1');
      await castOnce(page);
      await page.waitForSelector('#receipt-invalid');
      expect(await page.textContent('#receipt-invalid')).toContain("not signed by this election's board key");
      expect(await page.locator('#cast-done').count()).toBe(0);
      await shot(page, 'booth-receipt-invalid');
      mode = 'entry';
      await page.click('#revote');
      await page.check('#opt-council-list-b');
      await page.check('#opt-referendum-no');
      await page.click('#encrypt');
      await page.click('#cast');
      await page.waitForSelector('#receipt-invalid');
      expect(await page.textContent('#receipt-invalid')).toContain('does not hold the ballot this device cast');
      await context.close();
    }, 90_000);

    it("the fingerprint in the voter's link: another election's is refused before any token; the right one is shown to compare", async () => {
      const context = await browser.newContext({ locale: 'en-GB' });
      const page = await context.newPage();
      await page.goto(`${t.url}/booth/?election=${e.id}&fingerprint=${'ab'.repeat(32)}`);
      await page.click('#login');
      await approveAtSandbox(page, 'trustee-2');
      await page.waitForSelector('#fingerprint-mismatch');
      expect(await page.locator('#get-token').count()).toBe(0);
      const H = Buffer.from(e.election.electionHash).toString('hex');
      const grouped = H.match(/.{4}/g)!.join(' ');
      await page.goto(`${t.url}/booth/?election=${e.id}&fingerprint=${encodeURIComponent(grouped.toUpperCase())}`);
      await page.waitForSelector('#get-token');
      expect(await page.textContent('#fingerprint')).toContain(grouped);
      await context.close();
    }, 60_000);

    it('a new tab cannot get a second token: the voter is told the key stays with the first tab', async () => {
      const context = await browser.newContext({ locale: 'en-GB' });
      const page = await context.newPage();
      await page.goto(`${t.url}/booth/?election=${e.id}`);
      await page.click('#login');
      await approveAtSandbox(page, 'voter');
      await page.click('#get-token');
      await page.waitForSelector('#token-already');
      await context.close();
    }, 60_000);

    it('the form enforces the contest rules', async () => {
      const context = await browser.newContext({ locale: 'nl-BE' });
      const page = await context.newPage();
      await page.goto(`${t.url}/booth/?election=${e.id}`);
      await page.click('#login');
      await approveAtSandbox(page, 'eu-resident');
      await page.click('#get-token');
      await page.waitForSelector('form#ballot');
      expect(await page.getAttribute('html', 'lang')).toBe('nl');
      expect(await page.locator('#opt-referendum-blank').count()).toBe(0); // no blank in the referendum
      await page.check('#opt-council-list-c');
      await page.click('#encrypt');
      await page.waitForSelector('#ballot-error p');
      expect(await page.textContent('#ballot-error')).toContain('Autovrije binnenstad?');
      await shot(page, 'booth-rules-nl');
      // Switch language: the page redraws in French.
      await page.selectOption('#lang-select', 'fr');
      await page.waitForSelector('text=Chiffrer mon bulletin');
      await context.close();
    }, 60_000);

    it('a refused voter sees why', async () => {
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      await page.goto(`${t.url}/booth/?election=${e.id}`);
      await page.click('#login');
      await approveAtSandbox(page, 'eighteen-day-after');
      await page.waitForSelector('#refused');
      expect(await page.locator('#refused li[data-rule="age"]').count()).toBe(1);
      expect(await page.textContent('#refused')).toContain('You are not 18 on election day.');
      expect(await page.locator('#get-token').count()).toBe(0);
      await shot(page, 'booth-refused');
      await context.close();
    }, 60_000);
  },
  ['pglite'],
);
