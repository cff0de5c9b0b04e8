import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { CATALOGS, type Lang, type MessageKey } from '../../src/web/i18n';
import { describeEachBackend } from '../support/databases';
import { openElection, type OpenElection } from '../support/scenario';
import { startIdentityApp, type IdentityTestApp } from '../integration/identity/support';
import { buildWeb, launch, shot } from './support';

/** Nothing wider than the screen (no sideways scrolling), and the element fully on it, tapped. */
async function tapOnScreen(page: Page, selector: string): Promise<void> {
  await noSidewaysScroll(page);
  const el = page.locator(selector);
  await el.scrollIntoViewIfNeeded();
  const box = (await el.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(360);
  // A finger needs a target of some size (WCAG 2.5.8: at least 24 × 24 CSS pixels).
  expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(24);
  await el.tap();
}

async function noSidewaysScroll(page: Page): Promise<void> {
  const { scroll, client, wide } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
    // What sticks out, to say so when it fails.
    wide: [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'))
      .map((e) => `${e.tagName}#${e.id}.${e.className}: ${(e.textContent ?? '').slice(0, 40)}`)
      .slice(0, 5),
  }));
  expect({ scroll, wide }).toEqual({ scroll: client, wide: [] });
}

/**
 * English catalog text on a page in another language: every English message that the page's catalog words
 * differently is cut at its placeholders, and each fragment of two words or more is looked for in what the
 * page shows (text, button labels, placeholders, aria labels and titles). Data (the manifest's titles) is
 * not catalog text and is not looked at.
 */
async function englishOnPage(page: Page, lang: Exclude<Lang, 'en'>): Promise<string[]> {
  const shown = await page.evaluate(() => {
    const attrs = [...document.querySelectorAll('[placeholder], [aria-label], [title], input[type="submit"], input[type="button"]')].flatMap((e) =>
      ['placeholder', 'aria-label', 'title', 'value'].map((a) => e.getAttribute(a) ?? ''),
    );
    return [document.title, document.body.innerText, ...attrs].join('\n');
  });
  const found: string[] = [];
  for (const key of Object.keys(CATALOGS.en) as MessageKey[]) {
    const english = CATALOGS.en[key];
    if (english === CATALOGS[lang][key]) continue;
    for (const fragment of english.split(/\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}/)) {
      const words = fragment.trim().replace(/[.,:;!?()]+$/, '');
      if (words.split(/\s+/).length >= 2 && shown.includes(words)) found.push(`${key}: "${words}"`);
    }
  }
  return found;
}

// One backend: the layout is tested, not the database.
describeEachBackend(
  'browser: phones first (issue 18): a vote at 360×740 with touch',
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

    for (const lang of ['nl', 'fr'] as const) {
      it(`logs in, gets a token, votes, casts and checks inclusion by touch, never scrolling sideways, with no English on any page (${lang})`, async () => {
        const context = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2, locale: `${lang}-BE` });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (err) => errors.push(err.message));
        await page.goto(`${t.url}/booth/?election=${e.id}`);
        await page.waitForSelector('#login');
        await tapOnScreen(page, '#login');
        await page.waitForURL(/\/sandbox-idp\/interaction\//);
        await page.locator(`input[name="identity"][value="${lang === 'nl' ? 'voter' : 'eighteen-on-day'}"]`).tap();
        await page.locator('button[value="approve"]').tap();
        await page.waitForSelector('#eligible');
        // The election is compulsory (the Belgian rule, the test election's default): the booth says so.
        expect((await page.textContent('#compulsory'))!.trim()).toBe(CATALOGS[lang]['booth.compulsory.yes']);
        const english: string[] = await englishOnPage(page, lang);
        await tapOnScreen(page, '#get-token');
        await page.waitForSelector('form#ballot');
        await shot(page, `phone-${lang}-ballot`);
        english.push(...(await englishOnPage(page, lang)));
        await tapOnScreen(page, 'label:has(#opt-council-list-a)');
        await tapOnScreen(page, 'label:has(#opt-referendum-yes)');
        expect(await page.isChecked('#opt-council-list-a')).toBe(true);
        await tapOnScreen(page, '#encrypt');
        await page.waitForSelector('#tracking-code');
        await tapOnScreen(page, '#cast');
        await page.waitForSelector('#receipt-verified');
        await shot(page, `phone-${lang}-receipt`);
        english.push(...(await englishOnPage(page, lang)));
        await tapOnScreen(page, '#check');
        await page.waitForSelector('#inclusion-verdict.ok');
        await noSidewaysScroll(page);
        english.push(...(await englishOnPage(page, lang)));
        // A whole vote in the voter's language: no English catalog text on any page it passed (issue 18).
        expect([...new Set(english)]).toEqual([]);
        expect(errors).toEqual([]);
        // The check sees English where there is some: the same booth in English is full of it.
        await page.goto(`${t.url}/booth/?election=${e.id}&lang=en`);
        await page.waitForSelector('#kept-receipts, #revote, #eligible, #ballot');
        expect((await englishOnPage(page, lang)).length).toBeGreaterThan(3);
        await context.close();
      }, 120_000);
    }
  },
  ['postgres'],
);
