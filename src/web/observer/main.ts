/**
 * The observers' page: elections, the public board (signed tree head, entries, search by tracking
 * code with an in-browser inclusion check, opened audited ballots), results, and a full verification
 * of the election record in a Web Worker. Observers need no login; every request omits cookies.
 */
import { checkReceiptOnBoard } from '../../client/receipt-check';
import { fetchElection, type VerifiedElection } from '../../client/voter-client';
import { auditedBallotFromJSON, ballotFromJSON, ballotHash, normalizeTrackingCode, trackingCode, verifyAuditedBallot } from '../../crypto/ballot';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../crypto/encoding';
import { leafHash } from '../../crypto/record/merkle';
import { defaultGroup as group } from '../../crypto/group';
import { parseReceiptFile, type ReceiptFile } from '../../crypto/record/receipt-file';
import { verifyTreeHead } from '../../crypto/record/tree-head';
import { api, ApiError, type BoardEntry, type ElectionView, param, type SignedHead } from '../common/api';
import { downloadFile, h, render, svg } from '../common/dom';
import { fingerprintParam, groupedFingerprint } from '../common/fingerprint';
import { checkInclusion } from '../common/inclusion';
import { laterReceipts, onBoardVerdict } from '../common/receipts';
import { refusalView } from '../common/refusal-view';
import { resultsCsv, summarizeResults, type ResultSummary } from './results';
import { initPage, lang, t, type MessageKey } from '../i18n';
import type { Check, HeldOptions, Progress, Record_, Verification } from './verify';

const anon: RequestInit = { credentials: 'omit' };
const anonFetch = (url: string, init?: RequestInit) => fetch(url, { ...init, ...anon });
let redraw: () => void = () => void start();

function errorBox(e: unknown) {
  // The refusal in the page's language, by its code (the server's English message only for a code this page does not know).
  return h('div', { class: 'error', role: 'alert' }, ...refusalView(e));
}

async function start(): Promise<void> {
  const id = param('election');
  try {
    if (!id) await showList();
    else await showElection(id);
  } catch (e) {
    render(h('h2', {}, t('observer.title')), errorBox(e));
  }
}

async function showList(): Promise<void> {
  const all = await api<ElectionView[]>('/elections', anon);
  redraw = () => void showList();
  render(
    h('h2', {}, t('observer.elections')),
    all.length === 0
      ? h('p', {}, t('observer.noElections'))
      : h(
          'table',
          { id: 'elections' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('observer.col.title')), h('th', { scope: 'col' }, t('observer.col.status')), h('th', { scope: 'col' }, t('observer.col.constituency')), h('th', { scope: 'col' }, t('observer.col.day')))),
          h('tbody', {}, ...all.map((e) => h('tr', {}, h('td', {}, h('a', { href: `/observer/?election=${e.id}` }, e.title)), h('td', {}, t(`status.${e.status}` as MessageKey)), h('td', {}, e.constituency), h('td', {}, e.electionDay)))),
        ),
  );
}

interface RecordJSON extends Record_ {
  format: string;
}

/** The election as this page anchors it: the setup proof checked (against `?fingerprint=` when given). */
type Anchor = { election: VerifiedElection; error?: undefined } | { election?: undefined; error: string };

async function anchor(id: string, pinned: string | null): Promise<Anchor> {
  try {
    return { election: await fetchElection('', id, anonFetch, pinned ? { baseHash: pinned } : {}) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

async function showElection(id: string): Promise<void> {
  const pinned = fingerprintParam();
  const [view, record, anchored] = await Promise.all([api<ElectionView>(`/elections/${id}`, anon), api<RecordJSON>(`/elections/${id}/record`, anon), anchor(id, pinned)]);
  redraw = () => void showElection(id);
  // A fingerprint in the link that the board's setup does not prove: refuse, rather than show another election's figures.
  if (pinned && !anchored.election)
    return render(
      h('h2', {}, view.title),
      h('div', { class: 'refused', id: 'fingerprint-mismatch', role: 'alert' }, h('p', {}, h('strong', {}, t('observer.fingerprint.mismatch'))), h('p', { class: 'detail' }, anchored.error ?? '')),
      h('p', {}, h('a', { href: '/observer/' }, t('observer.back'))),
    );
  const parsed = record.entries.map((text) => JSON.parse(text) as { seq: number; kind: string; payload: Record<string, unknown> });
  // The board key bound into H when the setup verified; the record's own claim only for an election without a key yet.
  const boardKey = anchored.election?.setup.boardPublicKey ?? record.boardPublicKey;
  const headOk = verifyTreeHead(record.head, hexToBytes(boardKey));
  const held: ReceiptFile[] = [];
  const result = parsed.find((e) => e.kind === 'result')?.payload as { results?: Record<string, Record<string, number>> } | undefined;
  const casts = parsed.filter((e) => e.kind === 'ballot');
  const voters = new Set(casts.map((e) => (e.payload.token as { pseudonym: string }).pseudonym)).size;

  const codeInput = h('input', { id: 'code-input', name: 'code', autocomplete: 'off', spellcheck: 'false', value: param('code') ?? '' });
  const found = h('div', { id: 'search-result', 'aria-live': 'polite' });
  const search = h(
    'form',
    { id: 'search', role: 'search' },
    h('label', { class: 'field' }, h('span', {}, t('observer.search.label')), codeInput),
    h('button', { type: 'submit', id: 'search-button' }, t('observer.search.button')),
  );
  search.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void lookUp(view, anchored, codeInput.value, found, parsed);
  });

  const receiptInput = h('input', { type: 'file', id: 'receipt-files', multiple: true, accept: '.json,application/json' });
  const receiptResults = h('ul', { class: 'list', id: 'receipt-results', 'aria-live': 'polite' });
  receiptInput.addEventListener('change', () => void checkReceiptFiles(view, anchored, pinned, [...(receiptInput.files ?? [])], held, receiptResults));

  const progress = h('progress', { id: 'verify-progress', max: 1, value: 0, hidden: true, 'aria-label': t('observer.verify.progress') });
  const progressText = h('p', { id: 'verify-status', role: 'status', 'aria-live': 'polite' });
  const checks = h('ul', { id: 'checks', class: 'checks' });
  const verifyButton = h('button', { type: 'button', class: 'primary', id: 'verify' }, t('observer.verify.button'));
  verifyButton.addEventListener('click', () => verifyInWorker(record, { fingerprint: pinned ?? undefined, receipts: [...held] }, { progress, progressText, checks, verifyButton }));

  const rows = parsed.slice(-50).reverse();
  render(
    h('h2', {}, view.title),
    h('p', {}, `${t('observer.col.status')}: `, h('strong', { id: 'status' }, t(`status.${view.status}` as MessageKey)), ` · ${view.constituency} · ${view.electionDay}`),
    h('p', {}, h('a', { href: '/observer/' }, t('observer.back'))),
    anchored.election
      ? [
          h('p', { class: 'hint mono', id: 'fingerprint' }, t('observer.fingerprint', { fp: groupedFingerprint(bytesToHex(anchored.election.election.electionHash)) })),
          pinned ? h('p', { class: 'ok', id: 'fingerprint-match' }, `✓ ${t('observer.fingerprint.matches')}`) : null,
        ]
      : h('p', { class: 'hint', id: 'fingerprint-unverified' }, t('observer.fingerprint.unverified'), h('span', { class: 'detail' }, ` ${anchored.error}`)),
    h('section', { 'aria-labelledby': 'turnout-h' }, h('h3', { id: 'turnout-h' }, t('observer.turnout')), h('p', { id: 'turnout' }, t('observer.turnout.figures', { ballots: casts.length, voters }))),
    result?.results
      ? resultsChart(view, summarizeResults(anchored.election?.election.manifest ?? view.manifest, result.results, countedBallots(parsed), anchored.election?.election.bindings.rollSize ?? null))
      : h('section', {}, h('h3', {}, t('observer.results')), h('p', { id: 'no-results' }, t('observer.results.none'))),
    h(
      'section',
      { 'aria-labelledby': 'head-h' },
      h('h3', { id: 'head-h' }, t('observer.head')),
      h(
        'dl',
        { class: 'summary', id: 'head' },
        h('dt', {}, t('observer.head.size')),
        h('dd', { id: 'head-size' }, String(record.head.size)),
        h('dt', {}, t('observer.head.root')),
        h('dd', { class: 'mono' }, record.head.root),
        h('dt', {}, t('observer.head.time')),
        h('dd', {}, new Date(record.head.timestamp).toLocaleString(lang())),
        h('dt', {}, t('observer.head.signature')),
        h('dd', { class: headOk ? 'ok' : 'bad', id: 'head-signature' }, headOk ? t('observer.head.signed') : t('observer.head.unsigned')),
      ),
    ),
    h('section', { 'aria-labelledby': 'search-h' }, h('h3', { id: 'search-h' }, t('observer.search')), search, found),
    h(
      'section',
      { 'aria-labelledby': 'receipts-h' },
      h('h3', { id: 'receipts-h' }, t('observer.receipts')),
      h('p', {}, t('observer.receipts.explain')),
      h('label', { class: 'field' }, h('span', {}, t('observer.receipts.label')), receiptInput),
      receiptResults,
    ),
    h('section', { 'aria-labelledby': 'verify-h' }, h('h3', { id: 'verify-h' }, t('observer.verify')), h('p', {}, t('observer.verify.explain')), verifyButton, progress, progressText, checks),
    h(
      'section',
      { 'aria-labelledby': 'board-h' },
      h('h3', { id: 'board-h' }, t('observer.board')),
      h('p', { class: 'hint' }, t('observer.board.latest', { shown: rows.length, total: parsed.length })),
      h(
        'table',
        { id: 'board' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, t('observer.col.kind')), h('th', { scope: 'col' }, t('observer.col.leaf')))),
        h('tbody', {}, ...rows.map((e) => h('tr', {}, h('td', {}, String(e.seq)), h('td', {}, e.kind), h('td', { class: 'mono' }, leafOf(record.entries[e.seq]))))),
      ),
    ),
  );
  if (codeInput.value) void lookUp(view, anchored, codeInput.value, found, parsed);
}

// Leaf hashes are recomputed here from the entry text, not taken from the server.
const leafOf = (text: string) => bytesToHex(leafHash(utf8ToBytes(text))).slice(0, 16) + '…';

/** How many ballots the tally counted (its `counted` list), as the board's tally entry states it. */
function countedBallots(entries: readonly ParsedEntry[]): number {
  const counted = entries.find((e) => e.kind === 'tally')?.payload?.counted;
  return Array.isArray(counted) ? counted.length : 0;
}

const pct = (p: number | null) => (p === null ? '' : `${p.toLocaleString(lang(), { maximumFractionDigits: 1 })} %`);

function resultsChart(view: ElectionView, s: ResultSummary) {
  return h(
    'section',
    { 'aria-labelledby': 'results-h', id: 'results' },
    h('h3', { id: 'results-h' }, t('observer.results')),
    h(
      'p',
      { id: 'results-turnout' },
      s.rollSize === null ? t('observer.results.counted', { counted: s.counted }) : t('observer.results.turnout', { counted: s.counted, roll: s.rollSize, percent: pct(s.turnoutPercent) }),
    ),
    ...s.contests.map((c) => {
      const max = Math.max(1, ...c.options.map((o) => o.votes));
      const total = c.options.reduce((a, o) => a + o.votes, 0);
      return h(
        'figure',
        { class: 'chart', 'data-contest': c.id },
        h('figcaption', {}, h('strong', {}, c.title), ` (${t('observer.results.total', { total })})`),
        ...c.options.map((o) => {
          const bar = svg('svg', { width: '100%', height: 22, role: 'img', 'aria-label': `${o.title}: ${o.votes}` });
          bar.append(svg('rect', { x: 0, y: 2, height: 18, width: `${(100 * o.votes) / max}%`, fill: '#0b4f9c' }));
          return h('div', { class: 'chart-row', 'data-option': o.id }, h('span', {}, o.title), bar, h('span', { class: 'count' }, String(o.votes)), h('span', { class: 'percent' }, pct(o.percent)));
        }),
        c.blank === null ? null : h('p', { class: 'blank', 'data-blank': String(c.blank) }, t('observer.results.blank', { n: c.blank })),
      );
    }),
    h(
      'p',
      { class: 'no-print' },
      h('button', { type: 'button', id: 'export-csv', onclick: () => downloadFile(`results-${view.id}.csv`, 'text/csv', resultsCsv(view.id, s)) }, t('observer.results.csv')),
      ' ',
      h('button', { type: 'button', id: 'export-json', onclick: () => downloadFile(`results-${view.id}.json`, 'application/json', JSON.stringify({ electionId: view.id, ...s }, null, 2)) }, t('observer.results.json')),
      ' ',
      h('button', { type: 'button', id: 'print-results', onclick: () => window.print() }, t('observer.results.print')),
    ),
  );
}

/**
 * The tracking code of the ballot an entry holds, recomputed here; null when the entry is not a cast or
 * audited ballot of this election (a code the server maps to some other entry proves nothing).
 */
function codeOfEntry(entryText: string, kind: string, election: VerifiedElection['election']): string | null {
  try {
    const e = JSON.parse(entryText) as { kind?: unknown; payload?: { ballot?: unknown } };
    if ((e.kind !== 'ballot' && e.kind !== 'audit') || e.kind !== kind) return null;
    return trackingCode(ballotHash(group, ballotFromJSON(group, election.manifest, e.payload?.ballot)));
  } catch {
    return null;
  }
}

/** Board entries as the record lists them (parsed once by the page). */
type ParsedEntry = { seq: number; kind: string; payload: Record<string, unknown> };

/**
 * What became of a looked-up submission, read from the record the page loaded: an audited ballot is never
 * counted; a cast ballot followed by a later one of the same pseudonym was replaced by it. The full
 * verification (check 9 and the tally) is what proves the record itself.
 */
function submissionFate(entry: BoardEntry, entries: readonly ParsedEntry[]): HTMLElement | null {
  if (entry.kind === 'audit') return h('p', { class: 'bad', id: 'search-status', 'data-status': 'audited' }, t('observer.search.audited'));
  if (entry.kind !== 'ballot') return null;
  const pseudonym = (e: ParsedEntry | undefined) => (e?.payload?.token as { pseudonym?: unknown } | undefined)?.pseudonym;
  const mine = pseudonym(entries[entry.seq]);
  if (typeof mine !== 'string') return null;
  const later = entries.filter((e) => e.kind === 'ballot' && e.seq > entry.seq && pseudonym(e) === mine).at(-1);
  return later
    ? h('p', { class: 'bad', id: 'search-status', 'data-status': 'superseded' }, t('observer.search.superseded', { seq: later.seq }))
    : h('p', { class: 'ok', id: 'search-status', 'data-status': 'latest' }, t('observer.search.latest'));
}

async function lookUp(view: ElectionView, anchored: Anchor, code: string, out: HTMLElement, entries: readonly ParsedEntry[]): Promise<void> {
  if (!code.trim()) return;
  out.replaceChildren(h('p', { role: 'status' }, t('common.working')));
  if (!anchored.election) return void out.replaceChildren(h('p', { class: 'bad', id: 'search-verdict' }, t('observer.fingerprint.unverified'), h('span', { class: 'detail' }, ` ${anchored.error}`)));
  const election = anchored.election.election;
  let wanted: string;
  try {
    wanted = normalizeTrackingCode(code);
  } catch {
    return void out.replaceChildren(h('p', { class: 'bad', id: 'search-verdict' }, t('observer.search.notFound')));
  }
  try {
    const found = await api<{ trackingCode: string; entry: BoardEntry; inclusion: { seq: number; leafHash: string; head: SignedHead; path: string[] } }>(
      `/elections/${view.id}/ballots/${encodeURIComponent(wanted)}`,
      anon,
    );
    // The anchored board key (bound into H), never GET /board/key of the same server.
    const r = checkInclusion(found.entry.entry, found.inclusion, anchored.election.setup.boardPublicKey);
    const isSubmission = (found.entry.kind === 'ballot' || found.entry.kind === 'audit') && found.inclusion.seq === found.entry.seq;
    const codeOk = isSubmission && codeOfEntry(found.entry.entry, found.entry.kind, election) === wanted;
    const ok = r.leafMatches && r.included && r.headSigned && codeOk;
    const parts: HTMLElement[] = [
      h('p', {}, t('observer.search.found', { code: wanted, seq: found.entry.seq, kind: found.entry.kind })),
      !isSubmission ? h('p', { class: 'bad', id: 'search-kind' }, t('observer.search.notBallot')) : !codeOk ? h('p', { class: 'bad', id: 'search-code' }, t('observer.search.codeMismatch')) : null,
      h('p', { class: ok ? 'ok' : 'bad', id: 'search-verdict' }, ok ? t('observer.search.included', { size: found.inclusion.head.size }) : t('booth.check.failed')),
      ok ? submissionFate(found.entry, entries) : null,
    ].filter((x): x is HTMLParagraphElement => x !== null);
    if (ok && found.entry.kind === 'audit') {
      // A Benaloh audit: re-check, on this (second) device, that the ballot opens to what it says.
      const payload = (JSON.parse(found.entry.entry) as { payload: { ballot: unknown; reveal: unknown } }).payload;
      const v = verifyAuditedBallot(group, election, auditedBallotFromJSON(group, election.manifest, { ballot: payload.ballot, reveal: payload.reveal }));
      if (v.valid) {
        parts.push(h('p', { class: 'ok', id: 'audit-check' }, t('observer.audit.valid')));
        parts.push(
          h(
            'dl',
            { class: 'summary', id: 'audit-choices' },
            ...view.manifest.contests.flatMap((c) => [
              h('dt', {}, c.title),
              h('dd', {}, (v.choices[c.id] ?? []).map((o) => c.options.find((x) => x.id === o)?.title ?? o).join(', ') || t('booth.blank')),
            ]),
          ),
        );
      } else parts.push(h('p', { class: 'bad', id: 'audit-check' }, t('observer.audit.invalid')));
    }
    out.replaceChildren(...parts);
  } catch (e) {
    out.replaceChildren(e instanceof ApiError && e.status === 404 ? h('p', { class: 'bad', id: 'search-verdict' }, t('observer.search.notFound')) : errorBox(e));
  }
}

/** The pseudonym of the ballot a receipt holds: receipts of one voter (a re-vote) share it. */
function pseudonymOf(r: ReceiptFile): string | undefined {
  try {
    return String((JSON.parse(r.entry) as { payload: { token: { pseudonym: string } } }).payload.token.pseudonym);
  } catch {
    return undefined;
  }
}

/**
 * Uploaded receipt files, each checked on its own: parsed strictly, anchored (the board key of the setup
 * proof under the link's fingerprint, else the receipt's own, must be the receipt's), then held against the
 * board now. The ones that parse are kept in `held` for the record verification's check 16.
 */
async function checkReceiptFiles(view: ElectionView, anchored: Anchor, pinned: string | null, files: File[], held: ReceiptFile[], out: HTMLElement): Promise<void> {
  out.replaceChildren(h('li', { role: 'status' }, t('receipt.checking')));
  const loaded = await Promise.all(
    files.map(async (f) => {
      try {
        return { name: f.name, ...parseReceiptFile(JSON.parse(await f.text())) };
      } catch (e) {
        return { name: f.name, failure: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
  const receipts = loaded.flatMap((x) => (x.receipt ? [x.receipt] : []));
  held.splice(0, held.length, ...receipts.filter((r) => r.electionId === view.id));
  const items = await Promise.all(
    loaded.map(async (x) => {
      const item = (...children: Array<Node | null>) => h('li', { class: 'receipt-check', 'data-file': x.name, ...(x.receipt ? { 'data-code': x.receipt.trackingCode } : {}) }, h('p', {}, h('strong', {}, x.name), x.receipt ? ` · ${t('receipt.trackingCode')} ` : null, x.receipt ? h('span', { class: 'code selectable' }, x.receipt.trackingCode) : null), ...children);
      const refuse = (text: string) => item(h('p', { class: 'refused verdict', role: 'alert', 'data-verdict': 'refused' }, text));
      const r = x.receipt;
      if (!r) return refuse(t('observer.receipts.bad', { reason: x.failure ?? '' }));
      if (r.electionId !== view.id) return refuse(t('observer.receipts.otherElection'));
      if (pinned && r.fingerprint !== pinned) return refuse(t('observer.receipts.otherFingerprint'));
      // Without a fingerprint in the link, the receipt's own H anchors the board key (the page's anchor may be unpinned).
      const a = pinned || (anchored.election && bytesToHex(anchored.election.election.electionHash) === r.fingerprint) ? anchored : await anchor(view.id, r.fingerprint);
      if (!a.election) return refuse(anchored.election ? t('observer.receipts.otherFingerprint') : `${t('observer.fingerprint.unverified')} ${a.error}`);
      if (a.election.setup.boardPublicKey !== r.boardPublicKey) return refuse(t('observer.receipts.otherKey'));
      const mine = pseudonymOf(r);
      const sameVoter = receipts.filter((o) => o.electionId === r.electionId && mine !== undefined && pseudonymOf(o) === mine);
      const result = await checkReceiptOnBoard('', r, a.election.setup.boardPublicKey, anonFetch, laterReceipts(r, sameVoter));
      return item(onBoardVerdict(r, result, (seq) => sameVoter.find((o) => o.seq === seq)?.trackingCode));
    }),
  );
  out.replaceChildren(...items);
}

function verifyInWorker(
  record: Record_,
  held: HeldOptions,
  ui: { progress: HTMLProgressElement; progressText: HTMLElement; checks: HTMLElement; verifyButton: HTMLButtonElement },
): void {
  ui.verifyButton.disabled = true;
  ui.progress.hidden = false;
  ui.checks.replaceChildren();
  ui.progressText.textContent = t('observer.verify.running');
  const worker = new Worker('/observer/verifier.worker.js', { type: 'module' });
  worker.onmessage = (ev: MessageEvent<{ type: 'progress' } & Progress | { type: 'result'; result: Verification; workers: number } | { type: 'error'; message: string }>) => {
    const m = ev.data;
    if (m.type === 'progress') {
      ui.progress.max = Math.max(1, m.total);
      ui.progress.value = m.done;
      ui.progressText.textContent = t('observer.verify.progressText', { done: m.done, total: m.total });
      return;
    }
    worker.terminate();
    ui.verifyButton.disabled = false;
    ui.progress.value = ui.progress.max;
    if (m.type === 'error') {
      ui.progressText.textContent = m.message;
      return;
    }
    ui.checks.replaceChildren(...m.result.checks.map((c) => checkItem(c, m.result.verifier)));
    ui.progressText.textContent = m.result.ok ? t('observer.verify.ok') : t('observer.verify.failed');
    ui.progressText.className = m.result.ok ? 'ok' : 'bad';
    ui.progressText.id = 'verify-status';
    ui.progressText.setAttribute('data-ok', String(m.result.ok));
    ui.progressText.setAttribute('data-workers', String(m.workers)); // sub-workers that checked the ballots
  };
  worker.onerror = (e) => {
    ui.progressText.textContent = e.message;
    ui.verifyButton.disabled = false;
  };
  worker.postMessage({ record, held });
}

function checkItem(c: Check, verifier: string) {
  const key = `check.${verifier}.${c.id}` as MessageKey;
  const title = t(key) === key ? c.title : t(key);
  const mark = c.status === 'pass' ? '✓' : c.status === 'fail' ? '✗' : '–';
  const status = t(`check.status.${c.status}` as MessageKey);
  return h(
    'li',
    { class: c.status === 'pass' ? 'ok' : c.status === 'fail' ? 'bad' : 'hint', 'data-status': c.status, 'data-check': c.id },
    `${c.id}. ${mark} ${title} — ${status}${c.checked !== undefined ? ` (${c.checked})` : ''}`,
    c.reason ? h('span', { class: 'detail' }, ` ${c.reason}`) : null,
  );
}

initPage('observer.title', () => redraw());
void start();
