import { readFileSync, rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { fetchElection } from '../../src/client/voter-client';
import { ballotFromJSON, ballotHash, trackingCode } from '../../src/crypto/ballot';
import { bytesToHex } from '../../src/crypto/encoding';
import { defaultGroup as g } from '../../src/crypto/group';
import { receiptFile, type ReceiptFile } from '../../src/crypto/record/receipt-file';
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
      // Blank ballots (every 7th voter left the council blank), turnout against the roll, and the export.
      const councilVotes = Object.values(e.expected.council).reduce((a, b) => a + b, 0);
      expect(await page.getAttribute('#results [data-contest="council"] .blank', 'data-blank')).toBe(String(8 - councilVotes));
      expect(await page.textContent('#results-turnout')).toMatch(/^8 Stimmzettel gezählt von \d+ Wahlberechtigten/);
      const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
      const csv = readFileSync((await csvDownload.path())!, 'utf8').split('\r\n');
      expect(csv[0]).toBe('election_id,contest_id,contest,option_id,option,votes,percent');
      for (const [option, n] of Object.entries(e.expected.council)) expect(csv.some((l) => l.startsWith(`${e.id},council,`) && l.includes(`,${option},`) && l.split(',')[5] === String(n))).toBe(true);
      expect(csv).toContain(`${e.id},,counted ballots,,,8,${csv.find((l) => l.includes('counted ballots'))!.split(',')[6]}`);
      const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
      const exported = JSON.parse(readFileSync((await jsonDownload.path())!, 'utf8'));
      expect(exported.counted).toBe(8);
      expect(exported.contests.find((c: { id: string }) => c.id === 'council').blank).toBe(8 - councilVotes);
      expect(await page.locator('#board tbody tr').count()).toBeGreaterThan(5);
      await page.selectOption('#lang-select', 'en');
      await page.waitForSelector('text=Verify the election record');

      await page.fill('#code-input', castCode);
      await page.click('#search-button');
      await page.waitForSelector('#search-verdict.ok');
      await page.fill('#code-input', auditCode);
      await page.click('#search-button');
      await page.waitForSelector('#audit-check.ok');
      expect(await page.getAttribute('#search-status', 'data-status')).toBe('audited');
      expect(await page.textContent('#search-status')).toContain('not counted');
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

    /** The receipt the booth would have saved for the submission at `seq`: its entry proven in the head right after it. */
    async function receiptAt(seq: number): Promise<ReceiptFile> {
      const base = `${t.url}/elections/${e.id}/board`;
      const [entry] = await (await fetch(`${base}/entries?from=${seq}&limit=1`)).json();
      const inclusion = await (await fetch(`${base}/entries/${seq}/inclusion?size=${seq + 1}`)).json();
      const payload = JSON.parse(entry.entry).payload;
      const hash = ballotHash(g, ballotFromJSON(g, e.election.manifest, payload.ballot));
      const { setup } = await fetchElection(t.url, e.id);
      return receiptFile(
        { trackingCode: trackingCode(hash), ballotHash: bytesToHex(hash), audited: entry.kind === 'audit', seq, entry: entry.entry, leafHash: inclusion.leafHash, head: inclusion.head, path: inclusion.path },
        { electionId: e.id, fingerprint: bytesToHex(e.election.electionHash), boardPublicKey: setup.boardPublicKey },
      );
    }
    const asFile = (r: unknown, name: string) => ({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(r, null, 2)) });

    it("receipt files uploaded are checked against the board (in the count, replaced by the voter's later ballot) and held against the record (check 16); the link's fingerprint pins the election, another one is refused", async () => {
      const H = bytesToHex(e.election.electionHash);
      // A voter who voted again: two cast ballots with one pseudonym; the later one counts.
      const entries = ((await (await fetch(`${t.url}/elections/${e.id}/record`)).json()).entries as string[]).map((x) => JSON.parse(x));
      const casts = entries.filter((x) => x.kind === 'ballot');
      const again = casts.find((x) => casts.filter((y) => y.payload.token.pseudonym === x.payload.token.pseudonym).length === 2)!;
      const [first, second] = casts.filter((y) => y.payload.token.pseudonym === again.payload.token.pseudonym).map((x) => x.seq as number);
      const [earlier, later] = [await receiptAt(first), await receiptAt(second)];

      const context = await browser.newContext({ locale: 'en-GB' });
      const page = await context.newPage();
      const failures: string[] = [];
      page.on('pageerror', (err) => failures.push(err.message));
      await page.goto(`${t.url}/observer/?election=${e.id}&fingerprint=${H}`);
      await page.waitForSelector('#fingerprint-match');
      expect(await page.textContent('#fingerprint')).toContain(H.match(/.{4}/g)!.join(' '));
      await page.setInputFiles('#receipt-files', [asFile(earlier, 'earlier.json'), asFile(later, 'later.json'), asFile({ format: 'something else' }, 'junk.json')]);
      await page.waitForSelector('#receipt-results li.receipt-check [data-verdict]');
      expect(await page.getAttribute('#receipt-results li[data-file="later.json"] [data-verdict]', 'data-verdict')).toBe('counted');
      expect(await page.getAttribute('#receipt-results li[data-file="earlier.json"] [data-verdict]', 'data-verdict')).toBe('superseded');
      expect(await page.textContent('#receipt-results li[data-file="earlier.json"]')).toContain(`replaced by your later ballot ${later.trackingCode}`);
      expect(await page.textContent('#receipt-results li[data-file="junk.json"] [role="alert"]')).toContain('This is not a receipt file');
      await shot(page, 'observer-3-receipts');

      // The full verification holds the two receipts against the record: check 16 appears and passes.
      await page.click('#verify');
      await page.waitForSelector('#verify-status[data-ok]', { timeout: 60_000 });
      expect(await page.getAttribute('#verify-status', 'data-ok')).toBe('true');
      expect(await page.getAttribute('#checks li[data-check="16"]', 'data-status')).toBe('pass');
      expect(await page.locator('#checks li').count()).toBe(16);

      // A receipt anchored to another fingerprint than the link's is refused before any check on the board,
      // and the record verification holding it fails check 16.
      await page.setInputFiles('#receipt-files', [asFile({ ...later, fingerprint: 'cd'.repeat(32) }, 'other-h.json')]);
      await page.waitForSelector('#receipt-results li[data-file="other-h.json"] [role="alert"]');
      expect(await page.textContent('#receipt-results li[data-file="other-h.json"] [role="alert"]')).toContain("does not match this election's");
      await page.click('#verify');
      await page.waitForSelector('#verify-status[data-ok="false"]', { timeout: 60_000 });
      expect(await page.getAttribute('#checks li[data-check="16"]', 'data-status')).toBe('fail');

      // The lookup names what became of each ballot: the earlier one was replaced by the later one.
      await page.fill('#code-input', earlier.trackingCode);
      await page.click('#search-button');
      await page.waitForSelector('#search-status');
      expect(await page.getAttribute('#search-status', 'data-status')).toBe('superseded');
      expect(await page.textContent('#search-status')).toContain(`(entry ${second})`);
      await page.fill('#code-input', later.trackingCode);
      await page.click('#search-button');
      await page.waitForSelector(`#search-result:has-text("${later.trackingCode}") #search-status`);
      expect(await page.getAttribute('#search-status', 'data-status')).toBe('latest');

      // A lookup whose answer is another ballot's entry (validly included) is refused: the code is recomputed from the entry.
      await page.route(`**/elections/${e.id}/ballots/${earlier.trackingCode}`, async (route) => {
        const res = await route.fetch({ url: `${t.url}/elections/${e.id}/ballots/${later.trackingCode}` });
        await route.fulfill({ response: res });
      });
      await page.fill('#code-input', earlier.trackingCode);
      await page.click('#search-button');
      await page.waitForSelector('#search-verdict.bad');
      expect(await page.locator('#search-code').count()).toBe(1);
      await page.unrouteAll({ behavior: 'wait' });

      // Another election's fingerprint in the link: refused, nothing to verify.
      await page.goto(`${t.url}/observer/?election=${e.id}&fingerprint=${'ab'.repeat(32)}`);
      await page.waitForSelector('#fingerprint-mismatch');
      expect(await page.locator('#verify').count()).toBe(0);
      expect(await page.locator('#receipt-files').count()).toBe(0);
      expect(failures).toEqual([]);
      await context.close();
    }, 240_000);
  },
  ['pglite'],
);
