import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { fetchElection, obtainBallotToken, prepareBallot } from '../../src/client/voter-client';
import { BoardService } from '../../src/modules/board/board.service';
import { KeyCeremonyService } from '../../src/modules/key-ceremony/key-ceremony.service';
import { SANDBOX_IDENTITIES, sandboxIdentity } from '../../src/modules/sandbox-idp/identities';
import { describeEachBackend } from '../support/databases';
import { electionDefinition } from '../support/election-definitions';
import { completeKeyCeremony, makeTrustees } from '../support/key-ceremony';
import { voterSession } from '../support/scenario';
import { startIdentityApp, type IdentityTestApp } from '../integration/identity/support';
import { approveAtSandbox, buildWeb, launch, shot } from './support';

describeEachBackend(
  "browser: the officials' console",
  (db) => {
    let t: IdentityTestApp;
    let browser: Browser;
    let web = '';

    beforeAll(async () => {
      web = buildWeb();
      [t, browser] = await Promise.all([startIdentityApp(db()), launch()]);
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await t?.close();
      if (web) rmSync(web, { recursive: true, force: true });
    });

    /** An official logged in to the console who has created a draft from a definition file. */
    async function draftFromFile(options: { locale: string; timezoneId?: string }) {
      const trustees = makeTrustees(3);
      const file = join(mkdtempSync(join(tmpdir(), 'evote-console-')), 'election.json');
      writeFileSync(file, JSON.stringify(electionDefinition(trustees)));
      const context = await browser.newContext(options);
      const page = await context.newPage();
      const failures: string[] = [];
      page.on('pageerror', (err) => failures.push(err.message));
      await page.goto(`${t.url}/console/`);
      await page.click('#login');
      await approveAtSandbox(page, 'official');
      await page.waitForSelector('#upload');
      await page.setInputFiles('#f-file', file);
      await page.click('#upload-button');
      await page.waitForSelector('#status[data-status="draft"]');
      return { context, page, failures, trustees, id: new URL(page.url()).searchParams.get('election')! };
    }

    it('an official creates an election from a file, imports the roll, watches the ceremony, opens and closes with step-up, and sees turnout', async () => {
      const { context, page, failures, id, trustees } = await draftFromFile({ locale: 'en-GB' });

      // Who is logged in, with a way out, on every view.
      expect(await page.locator('.whoami #logout').count()).toBe(1);
      const csv = SANDBOX_IDENTITIES.filter((i) => i.roll).map((i) => `${i.nationalNumber},${i.roll!.constituency},${i.roll!.basis}`);
      // A roll with bad lines: nothing imported, and each bad line is named with its reason.
      await page.fill('#roll-csv', ['national_number,constituency,basis', csv[0], '12345,Leuven,belgian', `${csv[1]?.split(',')[0]},Leuven,martian`].join('\n'));
      await page.click('#roll-button');
      await page.waitForSelector('#roll-result ul.problems li');
      const problems = await page.locator('#roll-result ul.problems li').allTextContents();
      expect(problems.length).toBe(2);
      expect(problems[0]).toMatch(/^line 3: /);
      expect(problems[1]).toMatch(/^line 4: /);
      expect(await page.locator('#roll-imported').count()).toBe(0);
      await page.fill('#roll-csv', ['national_number,constituency,basis', ...csv].join('\n'));
      await page.click('#roll-button');
      await page.waitForSelector('#roll-imported');
      await shot(page, 'console-1-draft-roll');

      // Starting the key ceremony is confirmed with itsme too (the worded action), then done on return.
      await page.click('#start-ceremony');
      await page.waitForURL(/\/sandbox-idp\/interaction\//);
      expect(await page.textContent('body')).toContain('Start the key ceremony');
      await approveAtSandbox(page, 'official', true);
      await page.waitForSelector('#status[data-status="key_ceremony"]');
      await page.waitForSelector('#action-done');
      await page.waitForSelector('#ceremony-state[data-state="dealing"]');
      await completeKeyCeremony(t.db, t.app.get(BoardService), id, trustees);
      await page.waitForSelector('#do-open'); // the console polls the ceremony and offers "open" once the key is there
      expect(await page.getAttribute('#ceremony-state', 'data-state')).toBe('complete');
      await shot(page, 'console-2-ceremony-complete');

      // Step-up: to the sandbox, confirm the worded action, and back; the console then opens the election.
      await page.click('#do-open');
      await page.waitForURL(/\/sandbox-idp\/interaction\//);
      expect(await page.textContent('body')).toContain('Open');
      await shot(page, 'console-3-step-up-at-sandbox');
      await approveAtSandbox(page, 'official', true);
      await page.waitForSelector('#status[data-status="open"]');
      await page.waitForSelector('#action-done');

      // A voter casts (outside the browser); the console's turnout follows the board.
      const { election, issuers } = await fetchElection(t.url, id);
      const v = await voterSession(t, 'crowd-001');
      const { token, pseudonym } = await obtainBallotToken(t.url, election, id, issuers, v.send);
      const p = prepareBallot(election, id, token, pseudonym, { council: ['list-a'], referendum: ['yes'] });
      expect((await fetch(`${t.url}/elections/${id}/ballots`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p.castBody) })).status).toBe(201);
      await page.waitForSelector('#turnout:has-text("1 ballot · 1 voter")');
      await shot(page, 'console-4-open-turnout');

      await page.click('#do-close');
      await approveAtSandbox(page, 'official', true);
      await page.waitForSelector('#status[data-status="closed"]');
      await shot(page, 'console-5-closed');
      expect(failures).toEqual([]);
      await context.close();
    }, 120_000);

    it('a ceremony with deadlines the official chose: per trustee and round in the console; when nobody deals it fails at the deadline and is abandoned with step-up (issue 14)', async () => {
      const { context, page, failures, id } = await draftFromFile({ locale: 'en-GB', timezoneId: 'Europe/Brussels' });
      expect((await (await fetch(`${t.url}/elections/${id}`)).json()).compulsoryVoting).toBe(true);

      // Deadlines in the official's local time (Brussels), an hour and two from now.
      const local = (ms: number) => new Date(ms).toLocaleString('sv-SE', { timeZone: 'Europe/Brussels' }).replace(' ', 'T').slice(0, 16);
      const dealing = Math.ceil((Date.now() + 3_600_000) / 60_000) * 60_000;
      await page.fill('#dealing-deadline', local(dealing));
      await page.fill('#verdict-deadline', local(dealing + 3_600_000));
      await page.click('#start-ceremony');
      await approveAtSandbox(page, 'official', true);
      await page.waitForSelector('#ceremony-state[data-state="dealing"]');
      const ceremony = await (await fetch(`${t.url}/elections/${id}/key-ceremony`)).json();
      expect(ceremony.deadlines).toEqual({ dealing: new Date(dealing).toISOString(), verdicts: new Date(dealing + 3_600_000).toISOString() });
      expect(await page.locator('#ceremony-trustees tbody tr').count()).toBe(3);
      expect(await page.locator('#ceremony-trustees tbody tr').first().textContent()).toContain('waiting');
      await page.waitForSelector('#ceremony-deadlines');

      // Nobody deals. At the deadline (the server's clock, played here) the ceremony fails; the console
      // shows who missed the round and offers to abandon it.
      expect(await t.app.get(KeyCeremonyService).applyDeadlines(new Date(dealing + 1000))).toBe(1);
      await page.waitForSelector('#ceremony-state[data-state="failed"]');
      await page.waitForSelector('#ceremony-failure');
      expect(await page.textContent('#ceremony-failure')).toMatch(/only 0 of 3 trustees dealt by the deadline/);
      expect(await page.locator('#ceremony-trustees tbody tr td:nth-child(2)').allTextContents()).toEqual(['missed the deadline', 'missed the deadline', 'missed the deadline']);
      await page.click('#do-abandon_ceremony');
      await page.waitForURL(/\/sandbox-idp\/interaction\//);
      expect(await page.textContent('body')).toContain('Abandon the failed key ceremony');
      await approveAtSandbox(page, 'official', true);
      await page.waitForSelector('#status[data-status="archived"]');
      await page.waitForSelector('#action-done');
      expect(failures).toEqual([]);
      await context.close();
    }, 120_000);

    it('an official adds a co-official and removes them again, each confirmed with itsme; the last official cannot be removed; the number never goes in a URL', async () => {
      const trustees = makeTrustees(3);
      const context = await browser.newContext({ locale: 'en-GB' });
      const page = await context.newPage();
      const failures: string[] = [];
      page.on('pageerror', (err) => failures.push(err.message));
      const urls: string[] = [];
      page.on('request', (r) => urls.push(r.url()));
      await page.goto(`${t.url}/console/`);
      await page.click('#login');
      await approveAtSandbox(page, 'official');
      await page.waitForSelector('#create');
      const created = await page.evaluate(async (def) => (await fetch('/elections', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(def) })).json(), electionDefinition(trustees));
      await page.goto(`${t.url}/console/?election=${created.id}`);
      await page.waitForSelector('#officials');
      const officials = async () => (await t.db.query(`SELECT count(*)::int AS n FROM election_officials WHERE election_id = $1`, [created.id]))[0].n;
      const coOfficial = sandboxIdentity('voter').nationalNumber;

      const change = async (button: string, nn: string, result: string) => {
        await page.fill('#official-nn', nn);
        await page.click(button);
        await page.waitForURL(/\/sandbox-idp\/interaction\//);
        expect(await page.textContent('body')).toContain(button === '#official-add' ? 'Add a co-official to the election' : 'Remove a co-official from the election');
        await approveAtSandbox(page, 'official', true);
        await page.waitForSelector(`#official-done[data-result="${result}"], #action-result [role="alert"]`);
        expect(await page.getAttribute('#official-done', 'data-result')).toBe(result);
        // Forgotten once back.
        expect(await page.evaluate(() => sessionStorage.getItem('evote.console.pending-official'))).toBeNull();
      };
      await change('#official-add', coOfficial, 'added');
      expect(await officials()).toBe(2);
      expect(await page.textContent('#official-done')).toContain('2 officials');
      await shot(page, 'console-6-co-official-added');
      await change('#official-remove', coOfficial, 'removed');
      expect(await officials()).toBe(1);
      await change('#official-remove', coOfficial, 'not-official');
      // The last official: refused with a clear message, nothing changes.
      await page.fill('#official-nn', sandboxIdentity('official').nationalNumber);
      await page.click('#official-remove');
      await approveAtSandbox(page, 'official', true);
      await page.waitForSelector('#action-result [role="alert"]');
      expect(await page.textContent('#action-result')).toMatch(/last official of the election/);
      expect(await officials()).toBe(1);
      expect(urls.filter((u) => u.includes(coOfficial) || u.includes(sandboxIdentity('official').nationalNumber))).toEqual([]);
      expect(failures).toEqual([]);
      await context.close();
    }, 120_000);

    it('builds two contests in the form editor, with problems shown per field, previews them as the booth draws them, and creates exactly that election', async () => {
      const trustees = makeTrustees(2);
      const context = await browser.newContext({ locale: 'en-GB' });
      const page = await context.newPage();
      const failures: string[] = [];
      page.on('pageerror', (err) => failures.push(err.message));
      await page.goto(`${t.url}/console/`);
      await page.click('#login');
      await approveAtSandbox(page, 'official');
      await page.waitForSelector('#contest-list');
      await page.fill('#f-title', 'Two contests');
      await page.fill('#f-slug', `editor-${Date.now()}`);
      await page.fill('#f-day', '2027-05-09');
      await page.fill('#f-constituency', 'Leuven');
      await page.fill('#f-trustees', trustees.map((x) => `Trustee ${x.index} ${x.publicKey}`).join('\n'));

      // Contest 1 (the form's starting contest, blank allowed): retitled, a third list added.
      await page.fill('#c0-title', 'Municipal council');
      await page.click('#c0-add-option');
      await page.fill('#c0-o2-title', 'List C');
      await page.fill('#c0-o2-id', 'list-c');
      // Contest 2: several of three, no blank.
      await page.click('#add-contest');
      await page.fill('#c1-title', 'Board');
      await page.fill('#c1-id', 'board');
      await page.selectOption('#c1-kind', 'k-of-m');
      await page.uncheck('#c1-blankAllowed');
      await page.fill('#c1-maxSelections', '2');
      await page.fill('#c1-o0-title', 'Ann');
      await page.fill('#c1-o0-id', 'ann');
      await page.fill('#c1-o1-title', 'Bob');
      await page.fill('#c1-o1-id', 'Bad Id');
      await page.click('#c1-add-option');
      await page.fill('#c1-o2-title', 'Cy');
      await page.fill('#c1-o2-id', 'cy');
      await page.fill('#c1-maxSelections', '4');

      // Problems beside their fields, in the core's words; nothing is sent while there are any.
      expect(await page.textContent('#c1-o1-id-error')).toMatch(/expected an id/);
      expect(await page.getAttribute('#c1-o1-id', 'aria-invalid')).toBe('true');
      expect(await page.textContent('#c1-rule-error')).toMatch(/maxSelections ≤ 3/);
      expect(await page.textContent('#c0-rule-error')).toBe('');
      const posts: string[] = [];
      page.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/elections') posts.push(r.postData() ?? ''); });
      await page.click('#create-button');
      await page.waitForSelector('#contests-invalid');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('c1-o1-id');
      // The preview waits for a valid definition.
      await page.click('#preview-button');
      await page.waitForSelector('#preview-blocked');
      await page.fill('#c1-o1-id', 'bob');
      await page.fill('#c1-maxSelections', '2');
      expect(await page.textContent('#c1-rule-error')).toBe('');
      expect(await page.locator('[aria-invalid="true"]').count()).toBe(0);

      // The preview: the booth's fieldsets, read-only.
      await page.waitForSelector('#preview-ballot');
      const contests = await page.$$eval('#preview-ballot fieldset.contest', (fs) =>
        fs.map((f) => ({
          contest: f.getAttribute('data-contest'),
          legend: f.querySelector('legend')?.textContent,
          rule: f.querySelector('.hint')?.textContent,
          options: [...f.querySelectorAll('label.option')].map((l) => ({ text: l.textContent?.trim(), type: (l.querySelector('input') as HTMLInputElement).type, disabled: (l.querySelector('input') as HTMLInputElement).disabled })),
        })),
      );
      expect(contests).toEqual([
        { contest: 'council', legend: 'Municipal council', rule: 'Choose one option, or vote blank.', options: ['List A', 'List B', 'List C', 'Blank vote'].map((text) => ({ text, type: 'radio', disabled: true })) },
        { contest: 'board', legend: 'Board', rule: 'Choose between 1 and 2 options.', options: ['Ann', 'Bob', 'Cy'].map((text) => ({ text, type: 'checkbox', disabled: true })) },
      ]);
      // Nothing can be chosen in the preview.
      await page.locator('#preview-opt-council-list-a').click({ force: true });
      expect(await page.isChecked('#preview-opt-council-list-a')).toBe(false);
      await shot(page, 'console-7-editor-preview');

      // The raw view for experts holds the same contests, and edits there come back into the form.
      const expected = [
        { id: 'council', title: 'Municipal council', kind: 'one-of-m', minSelections: 1, maxSelections: 1, blankAllowed: true, options: [{ id: 'list-a', title: 'List A' }, { id: 'list-b', title: 'List B' }, { id: 'list-c', title: 'List C' }] },
        { id: 'board', title: 'Board', kind: 'k-of-m', minSelections: 1, maxSelections: 2, blankAllowed: false, options: [{ id: 'ann', title: 'Ann' }, { id: 'bob', title: 'Bob' }, { id: 'cy', title: 'Cy' }] },
      ];
      await page.click('#raw-contests summary');
      expect(JSON.parse(await page.inputValue('#f-contests'))).toEqual(expected);
      expected[1].title = 'Supervisory board';
      await page.fill('#f-contests', JSON.stringify(expected));
      expect(await page.inputValue('#c1-title')).toBe('Supervisory board');
      expect(await page.textContent('#preview-ballot fieldset[data-contest="board"] legend')).toBe('Supervisory board');

      await page.click('#create-button');
      await page.waitForSelector('#status[data-status="draft"]');
      expect(posts.length).toBe(1);
      expect(JSON.parse(posts[0]).contests).toEqual(expected);
      const id = new URL(page.url()).searchParams.get('election')!;
      const view = await (await fetch(`${t.url}/elections/${id}`)).json();
      expect(view.manifest.contests).toEqual(expected);
      expect(failures).toEqual([]);
      await context.close();
    }, 90_000);

    it('creates an election from the form; a non-official is turned away', async () => {
      const trustees = makeTrustees(2);
      const context = await browser.newContext({ locale: 'fr-BE' });
      const page = await context.newPage();
      await page.goto(`${t.url}/console/`);
      await page.click('#login');
      await approveAtSandbox(page, 'official');
      await page.waitForSelector('#create');
      await page.fill('#f-title', 'Referendum test');
      // The pattern attribute is compiled with the `v` flag; an invalid one is ignored and checks nothing.
      await page.fill('#f-slug', '-bad');
      expect(await page.$eval('#f-slug', (el) => (el as HTMLInputElement).validity.patternMismatch)).toBe(true);
      await page.fill('#f-slug', `form-${Date.now()}`);
      expect(await page.$eval('#f-slug', (el) => (el as HTMLInputElement).validity.patternMismatch)).toBe(false);
      await page.selectOption('#f-kind', 'municipal');
      await page.fill('#f-day', '2027-05-09');
      await page.fill('#f-constituency', 'Leuven');
      await page.fill('#f-trustees', trustees.map((x) => `Trustee ${x.index} ${x.publicKey}`).join('\n'));
      await page.click('#create-button');
      await page.waitForSelector('#status[data-status="draft"]');
      expect(await page.textContent('h2')).toBe('Referendum test');
      await context.close();

      const voter = await browser.newContext({ locale: 'de-BE' });
      const vp = await voter.newPage();
      await vp.goto(`${t.url}/console/`);
      await vp.click('#login');
      await approveAtSandbox(vp, 'voter');
      await vp.waitForSelector('#not-official');
      // A voter who opened the console sees who they are and can switch to an official's account.
      expect(await vp.textContent('.whoami')).toMatch(/\S/);
      await vp.click('#switch-account');
      await vp.waitForSelector('#login');
      await voter.close();
    }, 60_000);
  },
  ['pglite'],
);
