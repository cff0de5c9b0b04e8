import { readFileSync, rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { countedBallotSeqs, entryPseudonym } from '../../src/crypto/record/counting';
import { parseVotingCode } from '../../src/crypto/tokens/voting-code';
import { describeEachBackend } from '../support/databases';
import { openElection, type OpenElection } from '../support/scenario';
import { type RunningIssuer, separateIssuersEnv, startIssuers, stopIssuers } from '../support/separate-issuers';
import { freePort, startIdentityApp, type IdentityTestApp } from '../integration/identity/support';
import { approveAtSandbox, buildWeb, launch, recordRequests, shot } from './support';

/** The booth state this tab holds (storage key → parsed value), its token only. */
async function heldPseudonym(page: Page): Promise<string> {
  const held = await page.evaluate(() =>
    Object.keys(sessionStorage)
      .filter((k) => /^evote\.booth\.[^.]+\.[0-9a-f-]{36}$/.test(k))
      .map((k) => (JSON.parse(sessionStorage.getItem(k)!) as { token: { pseudonym: string } }).token.pseudonym),
  );
  expect(held).toHaveLength(1);
  return held[0];
}

/** A code with one character changed to another of the alphabet (a typo the checksum must catch). */
function mistype(code: string): string {
  const i = code.indexOf('-') + 1; // the first character of the second group
  return code.slice(0, i) + (code[i] === 'Z' ? 'Y' : 'Z') + code.slice(i + 1);
}

interface BoardEntryView {
  seq: number;
  kind: string;
  entry: string;
}

/** The board's ballot/audit entries and the counted seqs (revoting 'last'). */
async function board(url: string, electionId: string) {
  const entries = (await (await fetch(`${url}/elections/${electionId}/board/entries?limit=1000`)).json()) as BoardEntryView[];
  const parsed = entries.map((e) => ({ seq: e.seq, kind: e.kind, payload: (JSON.parse(e.entry) as { payload: unknown }).payload }));
  return { parsed, counted: countedBallotSeqs(parsed as never, 'last') };
}

/** Logs in at the booth (a fresh context: no tab state) and waits for the token page. */
async function loginAs(page: Page, url: string, electionId: string, identity: string): Promise<void> {
  await page.goto(`${url}/booth/?election=${electionId}`);
  await page.click('#login');
  await approveAtSandbox(page, identity);
  await page.waitForSelector('#eligible');
}

async function fillAndCast(page: Page, council: string, referendum: string): Promise<string> {
  await page.waitForSelector('form#ballot');
  await page.check(`#opt-council-${council}`);
  await page.check(`#opt-referendum-${referendum}`);
  await page.click('#encrypt');
  await page.waitForSelector('#tracking-code');
  await page.click('#cast');
  await page.waitForSelector('#receipt-verified');
  return (await page.textContent('#receipt-code'))!.trim();
}

/**
 * Issue 18, "a lost tab is a lost vote": the voter is shown a voting code before the token, the token is
 * derived from it, and on a device without the tab's state the code rebuilds the same token (same
 * signatures) to vote again; a mistyped code, or another valid one, is refused with a message.
 */
function recoveryScenario(get: () => { t: IdentityTestApp; e: OpenElection; browser: Browser; separate: boolean; issuers?: RunningIssuer[] }, identity: string) {
  return async () => {
    const { t, e, browser, separate } = get();
    const approveTokenLogin = async (page: Page) => {
      if (separate) await approveAtSandbox(page, identity);
    };

    // Device 1: the code is shown (and can be saved) before the token; the token is derived from it.
    const first = await browser.newContext({ locale: 'en-GB', acceptDownloads: true });
    const page1 = await first.newPage();
    await loginAs(page1, t.url, e.id, identity);
    const code = (await page1.textContent('#voting-code'))!.trim();
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(parseVotingCode(code).ok).toBe(true);
    expect(await page1.textContent('#voting-code-box')).toContain('Keep it secret');
    const [download] = await Promise.all([page1.waitForEvent('download'), page1.click('#download-code')]);
    expect(readFileSync((await download.path())!, 'utf8')).toContain(code);
    // A redraw (language switch, reload) shows the same code, not a new one.
    await page1.reload();
    await page1.waitForSelector('#eligible');
    expect((await page1.textContent('#voting-code'))!.trim()).toBe(code);
    await page1.click('#get-token');
    await approveTokenLogin(page1);
    await page1.waitForSelector('form#ballot');
    const pseudonym = await heldPseudonym(page1);
    const firstCode = await fillAndCast(page1, 'list-a', 'yes');
    await first.close(); // the tab, and everything it kept, is gone

    // Device 2: same voter, no tab state. A new code is offered (the voter must not use it: it is not theirs).
    const second = await browser.newContext({ locale: 'en-GB' });
    const page2 = await second.newPage();
    const requests = recordRequests(page2);
    await loginAs(page2, t.url, e.id, identity);
    const otherCode = (await page2.textContent('#voting-code'))!.trim();
    expect(otherCode).not.toBe(code);

    // A mistyped code is refused on the device, with a message, before anything is sent.
    await page2.fill('#code-input', mistype(code));
    await page2.click('#use-code');
    await page2.waitForSelector('#code-error:not(:empty)');
    expect(await page2.textContent('#code-error')).toContain('a character is mistyped');
    await page2.fill('#code-input', code.slice(0, 30));
    await page2.click('#use-code');
    await page2.waitForFunction(() => document.getElementById('code-error')?.textContent?.includes('32 characters'));
    expect(requests.filter((r) => r.method === 'POST' && r.url.includes('/tokens'))).toHaveLength(0);

    // A valid code that is not the voter's: the issuers refuse (already issued), and the booth says why.
    if (!separate) {
      await page2.fill('#code-input', otherCode);
      await page2.click('#use-code');
      await page2.waitForSelector('#code-not-yours');
      expect(await page2.textContent('#code-not-yours')).toContain('not for this voting code');
      expect(await page2.textContent('#app')).not.toContain('already_issued');
    }

    // The right code, typed loosely (lower case, spaces for dashes, O for 0 and l for 1 where they occur).
    const loose = code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'O').replace(/1/g, 'l');
    await page2.fill('#code-input', loose);
    await page2.click('#use-code');
    await approveTokenLogin(page2);
    await page2.waitForSelector('form#ballot');
    expect(await heldPseudonym(page2)).toBe(pseudonym);
    expect(await page2.textContent('#code-recovered')).toContain('1 earlier submission');
    await shot(page2, `booth-voting-code-recovered${separate ? '-separate' : ''}`);
    const secondCode = await fillAndCast(page2, 'list-b', 'no');
    expect(secondCode).not.toBe(firstCode);
    await second.close();

    // The board: two ballots of this pseudonym, the re-vote after the first (higher counter), and one counted: the re-vote.
    const { parsed, counted } = await board(t.url, e.id);
    const mine = parsed.filter((x) => x.kind === 'ballot' && entryPseudonym(x.payload) === pseudonym);
    expect(mine).toHaveLength(2);
    const counters = mine.map((x) => (x.payload as { counter: number }).counter);
    expect(counters[1]).toBeGreaterThan(counters[0]);
    const countedMine = counted.filter((s) => mine.some((x) => x.seq === s));
    expect(countedMine).toEqual([mine[1].seq]);
    const found = (await (await fetch(`${t.url}/elections/${e.id}/ballots/${encodeURIComponent(secondCode)}`)).json()) as { entry: { seq: number } };
    expect(found.entry.seq).toBe(mine[1].seq);
  };
}

describeEachBackend(
  'browser: the voting code (issue 18: a lost tab is not a lost vote)',
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

    it(
      'a voter keeps the code shown before the token, casts, closes the tab; on a new device the code rebuilds the token and the re-vote is the one counted; a mistyped or foreign code is refused',
      recoveryScenario(() => ({ t, e, browser, separate: false }), 'voter'),
      180_000,
    );
  },
  ['postgres'],
);

describeEachBackend(
  'browser: the voting code with separate issuers',
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

    it(
      'separate issuers: the code rebuilds the same token on a new device, each issuer giving its signature again, and the re-vote is counted',
      recoveryScenario(() => ({ t, e, browser, separate: true, issuers }), 'voter'),
      180_000,
    );
  },
  ['pglite'],
);
