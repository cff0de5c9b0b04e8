import { readFileSync, rmSync } from 'node:fs';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { bytesToHex, utf8ToBytes } from '../../src/crypto/encoding';
import { consistencyProof, inclusionProof, leafHash, treeRoot } from '../../src/crypto/record/merkle';
import { parseReceiptFile, receiptSelfCheck } from '../../src/crypto/record/receipt-file';
import { signTreeHead } from '../../src/crypto/record/tree-head';
import { BoardKey } from '../../src/modules/board/board-key';
import { describeEachBackend } from '../support/databases';
import { confirmAction, openElection, type OpenElection } from '../support/scenario';
import { go, startIdentityApp, type IdentityTestApp } from '../integration/identity/support';
import { approveAtSandbox, buildWeb, launch, recordRequests, shot } from './support';

/** Gets the token, fills the ballot (Lijst A, yes), encrypts and casts. */
async function castOnce(page: Page): Promise<void> {
  await page.click('#get-token');
  await page.waitForSelector('form#ballot');
  await page.check('#opt-council-list-a');
  await page.check('#opt-referendum-yes');
  await page.click('#encrypt');
  await page.waitForSelector('#tracking-code');
  await page.click('#cast');
}

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

    it('the receipt is kept: a reload shows it (code, check, download); the file saved parses and proves itself; a re-vote names the ballot it replaces', async () => {
      const context = await browser.newContext({ locale: 'en-GB', acceptDownloads: true });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(`${t.url}/booth/?election=${e.id}`);
      await page.click('#login');
      await approveAtSandbox(page, 'trustee-3');
      await castOnce(page);
      await page.waitForSelector('#receipt-verified');
      const code = (await page.textContent('#receipt-code'))!.trim();
      expect(await page.locator('#print-receipt').count()).toBe(1);
      await shot(page, 'booth-receipt-kept');

      await page.reload();
      await page.waitForSelector('#kept-receipts');
      expect(await page.locator('form#ballot').count()).toBe(0); // not a bare ballot form
      expect(await page.textContent(`#kept-receipts li[data-code="${code}"]`)).toContain('checked on this device');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-receipt-0')]);
      expect(download.suggestedFilename()).toBe(`receipt-${code}.json`);
      const parsed = parseReceiptFile(JSON.parse(readFileSync((await download.path())!, 'utf8')));
      expect(parsed.failure).toBeUndefined();
      expect(parsed.receipt!.trackingCode).toBe(code);
      expect(parsed.receipt!.fingerprint).toBe(bytesToHex(e.election.electionHash));
      expect(receiptSelfCheck(parsed.receipt!)).toEqual([]);

      // Vote again from the kept view: the new receipt says which ballot it replaces.
      await page.click('#revote');
      await page.waitForSelector('#revote-note');
      await page.check('#opt-council-list-c');
      await page.check('#opt-referendum-no');
      await page.click('#encrypt');
      await page.click('#cast');
      await page.waitForSelector('#receipt-replaces');
      expect(await page.textContent('#receipt-replaces')).toContain(code);
      await page.reload();
      await page.waitForSelector('#kept-receipts');
      expect(await page.locator('#kept-receipts li').count()).toBe(2);
      expect(errors).toEqual([]);
      await context.close();
    }, 90_000);

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
      expect(await page.textContent('#refused')).toContain('You must be 18 on election day (2027-05-09); you turn 18 on 2027-05-10.');
      expect(await page.locator('#get-token').count()).toBe(0);
      await shot(page, 'booth-refused');
      await context.close();
    }, 60_000);
  },
  ['pglite'],
);

// Its own app per backend: the receipt checks read the board's consistency and inclusion proofs, which each database serves.
describeEachBackend('browser: the booth after the close (kept receipts checked again on the board)', (db) => {
  let t: IdentityTestApp;
  let browser: Browser;
  let web = '';
  let e2: OpenElection;
  let context: BrowserContext;
  let page: Page;
  const codes: string[] = [];
  const receiptCode = (code: string) => `#receipt-checks li[data-code="${code}"]`;
  const verdictOf = async (code: string) => page.getAttribute(`${receiptCode(code)} [data-verdict]`, 'data-verdict');
  const reloadAndWait = async () => {
    await page.reload();
    await page.waitForSelector('#receipt-checks li.receipt-check [data-verdict]');
  };

  beforeAll(async () => {
    web = buildWeb();
    [t, browser] = await Promise.all([startIdentityApp(db()), launch()]);
    e2 = await openElection(t);
    context = await browser.newContext({ locale: 'en-GB' });
    page = await context.newPage();
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
    if (web) rmSync(web, { recursive: true, force: true });
  });

  it('the booth checks its kept receipts again after the close (count not published yet) and after the tally (in the count; the replaced one names its replacement)', async () => {
    await page.goto(`${t.url}/booth/?election=${e2.id}`);
    await page.click('#login');
    await approveAtSandbox(page, 'voter');
    await castOnce(page);
    await page.waitForSelector('#receipt-verified');
    codes.push((await page.textContent('#receipt-code'))!.trim());
    await page.click('#revote');
    await page.check('#opt-council-list-b');
    await page.check('#opt-referendum-no');
    await page.click('#encrypt');
    await page.click('#cast');
    await page.waitForSelector('#receipt-replaces');
    codes.push((await page.textContent('#receipt-code'))!.trim());

    await confirmAction(t, e2.official, e2.id, 'close');
    expect((await go(e2.official, `${t.url}/elections/${e2.id}/close`, { method: 'POST' })).status).toBe(200);
    await reloadAndWait();
    expect(await page.getAttribute('#results-link', 'href')).toBe(`/observer/?election=${e2.id}`);
    expect(await verdictOf(codes[0])).toBe('not-tallied');
    expect(await verdictOf(codes[1])).toBe('not-tallied');
    expect(await page.textContent(receiptCode(codes[1]))).toContain('The count is not published yet; your ballot is on the closed board.');

    // The first read of the tally after the close puts the tally entry (the counted list) on the board.
    expect((await fetch(`${t.url}/elections/${e2.id}/tally`)).status).toBe(200);
    await reloadAndWait();
    expect(await verdictOf(codes[1])).toBe('counted');
    expect(await page.textContent(receiptCode(codes[1]))).toContain('Your ballot is in the count.');
    expect(await verdictOf(codes[0])).toBe('superseded');
    expect(await page.textContent(receiptCode(codes[0]))).toContain(`Your ballot was replaced by your later ballot ${codes[1]}, which is in the count.`);
    expect(await page.locator('[role="alert"]').count()).toBe(0);
    await shot(page, 'booth-after-tally');
  }, 90_000);

  /** A malicious board (here: the network between, with the board key where the attack needs it) answers the board's endpoints. */
  async function asBoard(handle: (path: string, q: URLSearchParams, route: Route) => Promise<void>) {
    await page.unrouteAll({ behavior: 'wait' });
    await page.route(`**/elections/${e2.id}/board/**`, async (route) => {
      const url = new URL(route.request().url());
      const path = url.pathname.slice(`/elections/${e2.id}/board`.length);
      if (path === '/setup') return route.continue();
      return handle(path, url.searchParams, route);
    });
  }
  const record = async () => (await (await fetch(`${t.url}/elections/${e2.id}/record`)).json()) as { head: { timestamp: number }; entries: string[] };
  const key = () => t.app.get(BoardKey).secretKey;
  const headOf = (leaves: Uint8Array[], size: number, timestamp: number) => signTreeHead({ electionId: e2.id, size, root: bytesToHex(treeRoot(leaves, size)), timestamp }, key());

  it('attack: a consistency proof that does not verify, or a signed head of the same size with another root (fork), is an alert with the signed evidence', async () => {
    await asBoard(async (path, _q, route) => {
      const res = await route.fetch();
      if (path !== '/consistency') return route.fulfill({ response: res });
      const proof = await res.json();
      proof.path[0] = `${proof.path[0][0] === '0' ? '1' : '0'}${proof.path[0].slice(1)}`;
      return route.fulfill({ response: res, json: proof });
    });
    await reloadAndWait();
    for (const code of codes) expect(await verdictOf(code)).toBe('rewritten');
    const alert = (await page.textContent(`${receiptCode(codes[1])} [role="alert"]`))!;
    expect(alert).toContain('The board was rewritten: it does not contain the history your receipt proves.');
    expect(alert).toContain('consistency proof');
    expect(alert).toContain('send it with this message to the election commission and the observers');
    const evidence = JSON.parse((await page.textContent(`${receiptCode(codes[1])} pre.evidence`))!);
    expect(Object.keys(evidence)).toEqual(['electionId', 'trackingCode', 'receiptHead', 'boardHead']);
    expect(evidence.boardHead.size).toBeGreaterThan(evidence.receiptHead.size);
    await shot(page, 'booth-attack-consistency');

    // The fork: the board key signs a second head of the size of the latest receipt's head, with another root.
    const r = await record();
    const leaves = r.entries.map((x) => leafHash(utf8ToBytes(x)));
    const receiptHeadSize = await page.evaluate((id) => JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage).find((k) => k.startsWith('evote.booth.') && k.endsWith(`.${id}`))!)!).receipts[1].file.head.size as number, e2.id);
    const forged = signTreeHead({ electionId: e2.id, size: receiptHeadSize, root: 'ab'.repeat(32), timestamp: r.head.timestamp }, key());
    await asBoard(async (path, _q, route) => (path === '/head' ? route.fulfill({ json: forged }) : route.continue()));
    await reloadAndWait();
    expect(await verdictOf(codes[1])).toBe('rewritten');
    expect(await page.textContent(`${receiptCode(codes[1])} [role="alert"]`)).toContain('the board forked');
    const fork = JSON.parse((await page.textContent(`${receiptCode(codes[1])} pre.evidence`))!);
    expect(fork.size).toBe(receiptHeadSize);
    expect(fork.boardHead.root).toBe('ab'.repeat(32));
    expect(fork.receiptHead.root).toBe(bytesToHex(treeRoot(leaves, receiptHeadSize)));
    await shot(page, 'booth-attack-fork');
  }, 60_000);

  it("attack: a tally whose counted list omits the voter's ballot (signed, consistent) is NOT in the count; a tally entry not in the signed tree is not proven", async () => {
    const r = await record();
    const device = await page.evaluate((id) => JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage).find((k) => k.startsWith('evote.booth.') && k.endsWith(`.${id}`))!)!).receipts.map((x: { file: { seq: number } }) => x.file.seq) as number[], e2.id);
    // With the board key, a whole board whose history extends every receipt but whose tally drops this voter.
    const entries = r.entries.map((text) => {
      const x = JSON.parse(text);
      if (x.kind !== 'tally') return text;
      x.payload.counted = (x.payload.counted as number[]).filter((s) => !device.includes(s));
      return JSON.stringify(x);
    });
    expect(entries).not.toEqual(r.entries);
    const leaves = entries.map((x) => leafHash(utf8ToBytes(x)));
    const size = leaves.length;
    const head = headOf(leaves, size, r.head.timestamp);
    const view = (seq: number) => ({ seq, kind: JSON.parse(entries[seq]).kind, entry: entries[seq], leafHash: bytesToHex(leaves[seq]) });
    await asBoard(async (path, q, route) => {
      if (path === '/head') return route.fulfill({ json: head });
      if (path === '/consistency') {
        const from = Number(q.get('from'));
        return route.fulfill({ json: { from: headOf(leaves, from, r.head.timestamp), to: head, path: consistencyProof(leaves, from, size).map(bytesToHex) } });
      }
      if (path === '/entries') {
        const from = Number(q.get('from'));
        return route.fulfill({ json: entries.slice(from, from + Number(q.get('limit'))).map((_, i) => view(from + i)) });
      }
      const inc = /^\/entries\/(\d+)\/inclusion$/.exec(path);
      if (inc) return route.fulfill({ json: { seq: Number(inc[1]), leafHash: bytesToHex(leaves[Number(inc[1])]), head, path: inclusionProof(leaves, Number(inc[1]), size).map(bytesToHex) } });
      return route.continue();
    });
    await reloadAndWait();
    for (const code of codes) expect(await verdictOf(code)).toBe('not-counted');
    expect(await page.textContent(`${receiptCode(codes[1])} [role="alert"]`)).toContain('Your ballot is NOT in the count.');
    await shot(page, 'booth-attack-not-counted');

    // Without the board key: only the entry text is doctored, so its inclusion proof in the signed head fails.
    await asBoard(async (path, _q, route) => {
      const res = await route.fetch();
      if (path !== '/entries') return route.fulfill({ response: res });
      const list = (await res.json()) as Array<{ seq: number; kind: string; entry: string }>;
      return route.fulfill({ response: res, json: list.map((x) => (x.kind === 'tally' ? { ...x, entry: entries[x.seq] } : x)) });
    });
    await reloadAndWait();
    for (const code of codes) expect(await verdictOf(code)).toBe('unproven');
    expect(await page.textContent(`${receiptCode(codes[1])} [role="alert"]`)).toMatch(/the tally entry \d+ is not proven to be on the board/);
    await page.unrouteAll({ behavior: 'wait' });
  }, 60_000);
});
