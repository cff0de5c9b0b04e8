/**
 * The voting booth. Everything secret happens here, in the voter's browser: the pseudonym key, the
 * blinding of the token request, the encryption and proofs of the ballot. The server sees who asks for
 * a token (logged in) but not the token; it sees the ballot (anonymous request, no cookie) but not who
 * cast it nor what it says.
 */
import { checkReceiptOnBoard } from '../../client/receipt-check';
import {
  auditBody,
  fetchElection,
  obtainBallotToken,
  obtainBallotTokenFromIssuers,
  type PendingTokenRequest,
  prepareBallot,
  type PreparedBallot,
  prepareTokenRequest,
  type VerifiedElection,
} from '../../client/voter-client';
import { ballotHash, type Election, selectionCountAllowed, trackingCode } from '../../crypto/ballot';
import { bytesToHex, bytesToUtf8, fromBase64Url, hexToBytes } from '../../crypto/encoding';
import { defaultGroup as group } from '../../crypto/group';
import type { BallotToken } from '../../crypto/tokens/ballot-token';
import { pseudonymPublicKey } from '../../crypto/tokens/pseudonym';
import { formatVotingCode, generateVotingCode, parseVotingCode } from '../../crypto/tokens/voting-code';
import { entryPseudonym } from '../../crypto/record/counting';
import { api, ApiError, type BoardEntry, type ElectionView, type Me, param, type SignedHead } from '../common/api';
import { downloadFile, h, render } from '../common/dom';
import { whoAmILine } from '../common/whoami';
import { fingerprintParam, groupedFingerprint } from '../common/fingerprint';
import { checkInclusion } from '../common/inclusion';
import { contestFieldsets, selectionHint } from '../common/contests';
import { laterReceipts, onBoardVerdict, receiptButtons, trackingCodeBlock } from '../common/receipts';
import { type ReceiptVerdict, verifyReceipt } from '../../crypto/record/receipt';
import { type CastAnswer, receiptFile, type ReceiptFile } from '../../crypto/record/receipt-file';
import { initPage, lang, loginHref, t, type MessageKey } from '../i18n';
import { problemView } from '../common/problem';
import { refusalView } from '../common/refusal-view';
import { eligibilityReasonText, refusalsOf } from '../i18n/refusal';

/** Election ids are UUIDs (the API's ParseUUIDPipe). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Choices = Record<string, string[]>;

/** A cast receipt kept on this device: the whole receipt file (§55.7), so it can be saved and re-checked later. */
interface KeptReceipt {
  file: ReceiptFile;
  /** Whether this device's checks of the receipt at cast time passed (verifyReceipt). */
  verified: boolean;
}
interface DeviceState {
  token: BallotToken;
  pseudonymSecret: string;
  /** The last submission counter used with this pseudonym. */
  counter?: number;
  receipts: KeptReceipt[];
  /** The voting code the token was derived from (docs/protocol.md §20 "Voting code"), as shown. */
  votingCode?: string;
  /** Set when the token was rebuilt from a code the voter entered: how many ballots the board already held for it. */
  recovered?: { earlier: number };
}

const state: {
  me?: Me;
  view?: ElectionView;
  election?: Election;
  /** The election as read from its board's setup entries, checked against a signed head (never from /elections/:id). */
  verified?: VerifiedElection;
  device?: DeviceState;
  choices?: Choices;
  prepared?: PreparedBallot;
  redraw: () => void;
} = { redraw: () => void start() };

// The pseudonym key and token stay on this device only (sessionStorage: gone when the tab closes), filed
// under the logged-in person's device key (/auth/me), so that the next person at this device never finds them.
const STORAGE_PREFIX = 'evote.booth.';
const storageKey = (electionId: string) => `${STORAGE_PREFIX}${state.me!.deviceKey}.${electionId}`;

/** Discards the booth state of everyone but `keep` (all of it when `keep` is undefined): another person logged in, or a log out. */
function forgetOthers(keep?: string): void {
  const mine = keep ? `${STORAGE_PREFIX}${keep}.` : undefined;
  for (const k of Object.keys(sessionStorage)) if (k.startsWith(STORAGE_PREFIX) && (!mine || !k.startsWith(mine))) sessionStorage.removeItem(k);
}
function loadDevice(electionId: string): DeviceState | undefined {
  const raw = sessionStorage.getItem(storageKey(electionId));
  if (!raw) return undefined;
  const d = JSON.parse(raw) as DeviceState;
  // A tab from before receipt files were kept holds bare codes: those cannot be saved or re-checked.
  d.receipts = (d.receipts ?? []).filter((r) => r && typeof r === 'object' && 'file' in r);
  return d;
}
function saveDevice(electionId: string, d: DeviceState): void {
  sessionStorage.setItem(storageKey(electionId), JSON.stringify(d));
}
// A token request to separate issuers waits here (same person, same tab) across its itsme login.
const pendingKey = (electionId: string) => `${storageKey(electionId)}.pending`;
// With it, the code it was derived from and whether the voter entered it (a recovery) or was just shown it.
const pendingCodeKey = (electionId: string) => `${pendingKey(electionId)}.code`;
// The voting code shown to this person before their token: the same one on a redraw or reload, until the token is derived from it.
const shownCodeKey = (electionId: string) => `${storageKey(electionId)}.code`;

/** The code this tab shows the voter for this election (made once, then kept until the token is obtained). */
function shownCode(electionId: string): string {
  try {
    const kept = JSON.parse(sessionStorage.getItem(shownCodeKey(electionId)) ?? 'null') as unknown;
    if (typeof kept === 'string' && parseVotingCode(kept).ok) return kept;
  } catch {
    /* not ours: replaced below */
  }
  const code = formatVotingCode(generateVotingCode());
  sessionStorage.setItem(shownCodeKey(electionId), JSON.stringify(code));
  return code;
}

type IssuerEndpoints = { mode: 'in-process' } | { mode: 'separate'; issuers: Array<{ id: string; url: string }> };

/** The `nonce` an ID token (compact JWS) names, read without checking it: the issuers check the signature. */
function idTokenNonce(idToken: string): string | undefined {
  try {
    const payload = JSON.parse(bytesToUtf8(fromBase64Url(idToken.split('.')[1] ?? '')));
    return typeof payload.nonce === 'string' ? payload.nonce : undefined;
  } catch {
    return undefined;
  }
}

function errorBox(e: unknown) {
  // The session ended under the voter (it expires): say so and offer the login, not an HTTP status.
  if (e instanceof ApiError && e.status === 401) return h('div', { class: 'error', role: 'alert' }, ...problemView('session_expired', returnTo()));
  // The server's refusal in the page's language, by its code; its English message only for a code this page does not know.
  return h('div', { class: 'error', role: 'alert' }, ...refusalView(e, 'error.generic'));
}

/** Whether the issuers refused because a token was already issued to this voter (another device, or a tab since closed). */
const alreadyIssued = (e: unknown) => refusalsOf(e).some((r) => r.code === 'already_issued');
/**
 * A token refusal. already_issued for a code the voter entered: not the code of their token. For a code
 * only shown here: a token was issued before (another tab or device, with or without a code), so the voter
 * is offered to enter the code they kept. Anything else: the refusal.
 */
function tokenRefusal(e: unknown, recovering = false) {
  if (!alreadyIssued(e)) return [errorBox(e)];
  if (recovering) return [h('p', { class: 'refused', id: 'code-not-yours', role: 'alert' }, t('booth.code.notYours')), haveCodeForm()];
  return [h('p', { class: 'refused', id: 'token-already', role: 'alert' }, t('booth.token.already')), haveCodeForm()];
}

function busy(key: MessageKey) {
  render(h('h2', {}, t(key)), h('p', { class: 'busy', role: 'status', 'aria-live': 'polite' }, t('common.working')));
}

async function start(): Promise<void> {
  busy('booth.loading');
  try {
    // A mistyped or cut-off link: the booth says so itself, before any login (the API would answer an English 400).
    const asked = param('election');
    if (asked !== null && !UUID.test(asked)) return showProblem('election_malformed');
    state.me = await api<Me>('/auth/me');
    // Logged out (or the session expired): the state stays, for the same person's next login to find;
    // logged in: whatever another person left in this tab goes now, before any of it can be shown or used.
    if (!state.me.authenticated || !state.me.deviceKey) return showLogin();
    forgetOthers(state.me.deviceKey);
    const id = param('election');
    if (!id) return showElections();
    try {
      state.view = await api<ElectionView>(`/elections/${id}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return showProblem('election_unknown');
      throw e;
    }
    return showEligibility();
  } catch (e) {
    render(h('h2', {}, t('booth.title')), errorBox(e));
  }
}

/** A refusal of the booth's own (bad link, no such election) as a page, redrawn on a language switch. */
function showProblem(reason: string): void {
  state.redraw = () => showProblem(reason);
  render(...problemView(reason, null));
}

function returnTo(): string {
  return `/booth/${location.search}`;
}

function showLogin(): void {
  state.redraw = showLogin;
  render(
    h('h2', {}, t('booth.login.title')),
    h('p', {}, t('booth.login.intro')),
    h('a', { class: 'button primary', id: 'login', href: loginHref(returnTo()) }, t('booth.login.button')),
  );
}

async function showElections(): Promise<void> {
  const all = await api<ElectionView[]>('/elections');
  const open = all.filter((e) => e.status === 'open');
  state.redraw = () => void showElections();
  render(
    h('h2', {}, t('booth.elections.title')),
    whoAmI(),
    open.length === 0
      ? h('p', {}, t('booth.elections.none'))
      : h('ul', { class: 'list' }, ...open.map((e) => h('li', {}, h('a', { href: `/booth/?election=${e.id}` }, e.title), ` · ${e.constituency} · ${e.electionDay}`))),
  );
}

function whoAmI() {
  return whoAmILine(state.me, logout);
}

async function logout(): Promise<void> {
  // First, so that a failed request still leaves nothing of this person in the tab.
  forgetOthers();
  state.device = undefined;
  await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin', referrerPolicy: 'same-origin' });
  // Back to the same election's login: the next person at this device usually wants the same ballot.
  location.href = returnTo();
}

/** After the close the board holds the count: a device with receipts checks them again there. */
const AFTER_CLOSE = ['closed', 'tallied', 'published'];

async function showEligibility(): Promise<void> {
  const view = state.view!;
  if (AFTER_CLOSE.includes(view.status)) return showClosed();
  if (view.status !== 'open') {
    state.redraw = () => void showEligibility();
    return render(h('h2', {}, view.title), whoAmI(), h('p', { class: 'notice', id: 'not-open' }, t('booth.notOpen', { status: t(`status.${view.status}` as MessageKey) })));
  }
  const result = await api<{ eligible: boolean; reasons: Array<{ rule: string; code?: string; params?: Record<string, string | number>; message: string }> }>(`/elections/${view.id}/eligibility`);
  if (!result.eligible) {
    state.redraw = () => void showEligibility();
    return render(
      h('h2', {}, view.title),
      whoAmI(),
      h(
        'div',
        { class: 'refused', id: 'refused', role: 'alert' },
        h('p', {}, h('strong', {}, t('booth.refused.title'))),
        h('ul', {}, ...result.reasons.map((r) => h('li', { 'data-rule': r.rule, 'data-code': r.code ?? '' }, reasonText(r)))),
        h('p', {}, t('booth.refused.help')),
      ),
    );
  }
  return showToken();
}

/** A refusal in the page's language: the reason's code with its parameters; the rule's general text for a code this page does not know. */
function reasonText(r: { rule: string; code?: string; params?: Record<string, string | number>; message: string }): string {
  return eligibilityReasonText(r, lang());
}

async function showToken(): Promise<void> {
  const view = state.view!;
  // The fingerprint the voter was given out of band (in the link), if any: the election must be that one.
  const pinned = fingerprintParam();
  try {
    state.verified = await fetchElection('', view.id, (url, init) => fetch(url, { ...init, credentials: 'omit' }), pinned ? { baseHash: pinned } : {});
  } catch (e) {
    return void render(h('h2', {}, view.title), pinned ? h('p', { class: 'refused', id: 'fingerprint-mismatch', role: 'alert' }, t('booth.fingerprint.mismatch')) : null, errorBox(e));
  }
  state.election = state.verified.election;
  state.device = loadDevice(view.id);
  // A returning tab shows what it kept first: never a bare ballot form that hides the tracking codes.
  if (state.device) return state.device.receipts.length ? showKept() : showBallot();
  const pending = sessionStorage.getItem(pendingKey(view.id));
  if (pending && param('token-login') === '1') return finishSeparateToken(JSON.parse(pending) as PendingTokenRequest);
  state.redraw = () => void showToken();
  const code = shownCode(view.id);
  render(
    h('h2', {}, view.title),
    whoAmI(),
    h('p', { class: 'eligible', id: 'eligible' }, t('booth.eligible')),
    // What the commission said (not bound into the fingerprint: it changes no ballot).
    h('p', { id: 'compulsory', 'data-compulsory': String(view.compulsoryVoting !== false) }, t(view.compulsoryVoting === false ? 'booth.compulsory.no' : 'booth.compulsory.yes')),
    h('p', {}, t('booth.token.explain')),
    h(
      'section',
      { class: 'voting-code', id: 'voting-code-box', 'aria-labelledby': 'voting-code-title' },
      h('h3', { id: 'voting-code-title' }, t('booth.code.title')),
      trackingCodeBlock(code, 'voting-code'),
      h('p', {}, t('booth.code.explain')),
      h(
        'div',
        { class: 'actions no-print' },
        h('button', { type: 'button', id: 'download-code', onclick: () => downloadFile(`voting-code-${view.id}.txt`, 'text/plain', t('booth.code.file', { election: view.title, code })) }, t('booth.code.download')),
        h('button', { type: 'button', id: 'print-code', onclick: () => window.print() }, t('booth.code.print')),
      ),
    ),
    h('p', { class: 'hint' }, t('booth.device.explain')),
    fingerprintLine(),
    h('button', { type: 'button', class: 'primary no-print', id: 'get-token', onclick: () => void getToken(code, false) }, t('booth.token.button')),
    haveCodeForm(),
  );
}

/** "I already have a voting code": the code as typed (case, spaces, dashes, O/I/L tolerated), checked before anything is sent. */
function haveCodeForm() {
  const error = h('p', { class: 'error-inline', id: 'code-error', role: 'alert' });
  const input = h('input', { type: 'text', id: 'code-input', name: 'voting-code', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', class: 'mono', 'aria-describedby': 'code-error' });
  const form = h(
    'form',
    { id: 'have-code', class: 'no-print', novalidate: true },
    h('h3', {}, t('booth.code.have.title')),
    h('p', { class: 'hint' }, t('booth.code.have.explain')),
    h('label', { for: 'code-input' }, t('booth.code.have.label')),
    ' ',
    input,
    ' ',
    h('button', { type: 'submit', id: 'use-code' }, t('booth.code.have.button')),
    error,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const parsed = parseVotingCode(input.value);
    if (!parsed.ok) {
      error.textContent = t(`booth.code.problem.${parsed.problem}`);
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    void getToken(formatVotingCode(parsed.secret), true);
  });
  return form;
}

/** H in groups of four, for the voter to compare with the published fingerprint. */
function fingerprintLine() {
  return h('p', { class: 'hint mono', id: 'fingerprint' }, t('booth.fingerprint', { fp: groupedFingerprint(bytesToHex(state.election!.electionHash)) }));
}

/** The kept receipts of this tab, newest last: tracking code, this device's check, the file to save. */
function keptList(receipts: readonly KeptReceipt[]) {
  const last = receipts.length - 1;
  return h(
    'ul',
    { class: 'list', id: 'kept-receipts' },
    ...receipts.map((r, i) =>
      h(
        'li',
        { 'data-code': r.file.trackingCode },
        h('span', { class: 'code selectable' }, r.file.trackingCode),
        ' ',
        r.verified ? h('span', { class: 'ok' }, `✓ ${t('booth.kept.verified')}`) : h('span', { class: 'bad' }, `✗ ${t('booth.kept.unverified')}`),
        state.view!.revoting === 'last' && receipts.length > 1 ? h('span', { class: 'hint' }, ` · ${t(i === last ? 'booth.kept.latest' : 'booth.kept.replaced')}`) : null,
        ' ',
        ...receiptButtons(r.file, `-${i}`).slice(0, 1),
      ),
    ),
  );
}

/** A returning tab of an open election: its receipts, and (if the election allows it) voting again. */
function showKept(): void {
  const view = state.view!;
  state.redraw = showKept;
  render(
    h('h2', {}, view.title),
    whoAmI(),
    h('h3', {}, t('booth.kept.title')),
    h('p', {}, t('booth.kept.intro')),
    keptList(state.device!.receipts),
    h('p', { class: 'hint' }, t('receipt.fileExplain')),
    h(
      'div',
      { class: 'actions' },
      view.revoting === 'last' ? h('button', { type: 'button', class: 'primary', id: 'revote', onclick: () => showBallot() }, t('booth.revote.button')) : h('p', { class: 'notice', id: 'revote-note' }, t('booth.revote.notAllowed')),
      h('a', { class: 'button', href: `/observer/?election=${view.id}` }, t('booth.openBoard')),
    ),
    fingerprintLine(),
  );
}

/**
 * The election is closed (or tallied): every receipt this tab kept is checked again against the board as
 * it is now, with the board key anchored through H (the link's fingerprint, else the one the receipt kept).
 */
async function showClosed(): Promise<void> {
  const view = state.view!;
  state.redraw = () => void showClosed();
  const device = loadDevice(view.id);
  const kept = device?.receipts ?? [];
  const status = h('p', { class: 'notice', id: 'not-open' }, t('booth.closed', { status: t(`status.${view.status}` as MessageKey) }));
  const results = h('p', {}, h('a', { class: 'button', id: 'results-link', href: `/observer/?election=${view.id}` }, t('booth.closed.results')));
  if (kept.length === 0) return render(h('h2', {}, view.title), whoAmI(), status, h('p', { id: 'no-receipts' }, t('booth.closed.none')), results);
  const checks = h('ul', { class: 'list', id: 'receipt-checks', 'aria-live': 'polite' }, h('li', { role: 'status' }, t('receipt.checking')));
  render(h('h2', {}, view.title), whoAmI(), status, h('h3', {}, t('booth.closed.checks')), checks, h('p', { class: 'hint' }, t('receipt.fileExplain')), results);
  const pinned = fingerprintParam() ?? kept[0].file.fingerprint;
  let anchored: VerifiedElection;
  try {
    anchored = await fetchElection('', view.id, (url, init) => fetch(url, { ...init, credentials: 'omit' }), { baseHash: pinned });
  } catch (e) {
    return void checks.replaceChildren(h('li', {}, h('p', { class: 'refused', id: 'fingerprint-mismatch', role: 'alert' }, t('booth.fingerprint.mismatch')), errorBox(e)));
  }
  const files = kept.map((r) => r.file).filter((f) => !f.audited);
  const codeOfSeq = (seq: number) => files.find((f) => f.seq === seq)?.trackingCode;
  const send = (url: string, init?: RequestInit) => fetch(url, { ...init, credentials: 'omit' });
  const items = await Promise.all(
    files.map(async (f, i) => {
      const r = await checkReceiptOnBoard('', f, anchored.setup.boardPublicKey, send, laterReceipts(f, files));
      return h('li', { class: 'receipt-check', 'data-code': f.trackingCode }, h('p', {}, t('receipt.trackingCode'), ' ', h('span', { class: 'code selectable' }, f.trackingCode), ' ', ...receiptButtons(f, `-${i}`).slice(0, 1)), onBoardVerdict(f, r, codeOfSeq));
    }),
  );
  checks.replaceChildren(...items);
}

/**
 * Gets the token derived from `code` (docs/protocol.md §20 "Voting code"): the code shown here, or one the
 * voter entered (`recovering`), for which every issuer answers the identical request with the signature it gave.
 */
async function getToken(code: string, recovering: boolean): Promise<void> {
  const view = state.view!;
  const parsed = parseVotingCode(code);
  if (!parsed.ok) throw new Error('getToken: not a voting code');
  const votingCode = parsed.secret;
  busy('booth.token.working');
  try {
    const endpoints = await api<IssuerEndpoints>(`/elections/${view.id}/issuers`);
    if (endpoints.mode === 'separate') {
      // Separate issuers judge the voter themselves, from an itsme login made for exactly these blinded
      // requests (its nonce is their hash): prepare them, keep them in this tab, and log in for them.
      const pending = prepareTokenRequest(state.election!, view.id, state.verified!.issuers, { votingCode });
      sessionStorage.setItem(pendingKey(view.id), JSON.stringify(pending));
      sessionStorage.setItem(pendingCodeKey(view.id), JSON.stringify({ code, recovering }));
      const back = `/booth/?election=${encodeURIComponent(view.id)}${fingerprintParam() ? `&fingerprint=${fingerprintParam()}` : ''}&token-login=1`;
      const { authorizationUrl } = await api<{ authorizationUrl: string }>('/auth/token-login', { method: 'POST', json: { nonce: pending.nonce, returnTo: back, lang: lang() } });
      location.href = authorizationUrl;
      return;
    }
    // This election's own issuer keys, from its board entry (bound into H), never from the issuers' answers.
    const send = (url: string, init?: RequestInit) => fetch(url, { ...init, credentials: 'same-origin', referrerPolicy: 'same-origin' });
    const { token, pseudonym } = await obtainBallotToken('', state.election!, view.id, state.verified!.issuers, send, { votingCode });
    await keepToken({ token, pseudonymSecret: bytesToHex(pseudonym.secretKey), receipts: [], votingCode: code }, recovering);
    showBallot();
  } catch (e) {
    // A token was already issued to this voter (on another device, or in a tab since closed), for another code or none.
    render(h('h2', {}, view.title), ...tokenRefusal(e, recovering));
  }
}

/**
 * Keeps a new token on this device. A token rebuilt from an entered code may have cast before, elsewhere:
 * its next submission counter must exceed every earlier one on the board (check 9; the server refuses
 * `stale_counter` otherwise). We read that counter from the public board rather than retrying on
 * `stale_counter`: a retry would re-encrypt the ballot after the voter saw (and maybe audited) its
 * tracking code, so the ballot cast would not be the one reviewed. The whole board is read, without the
 * cookie, so the server does not learn which pseudonym this device looks for. (A board that hides an
 * entry only makes the cast fail with `stale_counter`, on which {@link cast} reads the board again.)
 */
async function keepToken(d: DeviceState, recovering: boolean): Promise<void> {
  const view = state.view!;
  if (recovering) {
    const seen = await lastSubmission(view.id, bytesToHex(pseudonymPublicKey(hexToBytes(d.pseudonymSecret, 32))));
    d.counter = seen.counter;
    d.recovered = { earlier: seen.ballots };
  }
  state.device = d;
  saveDevice(view.id, d);
  sessionStorage.removeItem(shownCodeKey(view.id));
}

/** The highest submission counter of a pseudonym on the board (ballots and audits) and how many ballots it cast, read page by page. */
async function lastSubmission(electionId: string, pseudonym: string): Promise<{ counter: number; ballots: number }> {
  const PAGE = 1000;
  let counter = 0;
  let ballots = 0;
  for (let from = 0; ; ) {
    const entries = await api<BoardEntry[]>(`/elections/${electionId}/board/entries?from=${from}&limit=${PAGE}`, { credentials: 'omit' });
    for (const e of entries) {
      if (e.kind !== 'ballot' && e.kind !== 'audit') continue;
      let payload: { counter?: unknown } | undefined;
      try {
        payload = (JSON.parse(e.entry) as { payload?: { counter?: unknown } }).payload;
      } catch {
        continue;
      }
      if (entryPseudonym(payload) !== pseudonym) continue;
      if (typeof payload?.counter === 'number' && Number.isSafeInteger(payload.counter)) counter = Math.max(counter, payload.counter);
      if (e.kind === 'ballot') ballots++;
    }
    if (entries.length < PAGE) return { counter, ballots };
    from = entries[entries.length - 1].seq + 1;
  }
}

/** Back from the itsme login for ballot tokens: the ID token goes from this tab to each issuer, directly. */
async function finishSeparateToken(pending: PendingTokenRequest): Promise<void> {
  const view = state.view!;
  const code = JSON.parse(sessionStorage.getItem(pendingCodeKey(view.id)) ?? 'null') as { code: string; recovering: boolean } | null;
  const recovering = code?.recovering === true;
  busy('booth.token.working');
  try {
    const endpoints = await api<IssuerEndpoints>(`/elections/${view.id}/issuers`);
    if (endpoints.mode !== 'separate') throw new Error('this election has no separate issuers');
    const { idToken } = await api<{ idToken: string }>(`/auth/token-login/assertion?nonce=${pending.nonce}`);
    // A platform that swapped the login's nonce (to get the voter's signatures for blinded messages of its
    // own) is caught here, before anything is sent, and the issuers would refuse it too.
    if (idTokenNonce(idToken) !== pending.nonce) {
      sessionStorage.removeItem(pendingKey(view.id));
      return void render(h('h2', {}, view.title), h('p', { class: 'refused', id: 'token-login-mismatch', role: 'alert' }, t('booth.token.loginMismatch')));
    }
    // No cookie and no platform in between: the issuers see this tab's request and the identity provider's signature only.
    const send = (url: string, init?: RequestInit) => fetch(url, { ...init, credentials: 'omit' });
    const { token, pseudonym } = await obtainBallotTokenFromIssuers(pending, idToken, endpoints.issuers, state.verified!.issuers, state.verified!.issuerThreshold, send);
    await keepToken({ token, pseudonymSecret: bytesToHex(pseudonym.secretKey), receipts: [], votingCode: code?.code }, recovering);
    sessionStorage.removeItem(pendingKey(view.id));
    sessionStorage.removeItem(pendingCodeKey(view.id));
    history.replaceState(null, '', returnTo().replace(/&token-login=1/, ''));
    showBallot();
  } catch (e) {
    sessionStorage.removeItem(pendingKey(view.id));
    sessionStorage.removeItem(pendingCodeKey(view.id));
    history.replaceState(null, '', returnTo().replace(/&token-login=1/, ''));
    render(h('h2', {}, view.title), ...tokenRefusal(e, recovering));
  }
}

function showBallot(): void {
  const view = state.view!;
  const chosen = state.choices ?? {};
  state.redraw = showBallot;
  const error = h('div', { id: 'ballot-error', role: 'alert', class: 'error-inline' });
  const fieldsets = contestFieldsets(view.manifest.contests, { chosen });
  const form = h(
    'form',
    { id: 'ballot', novalidate: true },
    ...fieldsets,
    error,
    h('button', { type: 'submit', class: 'primary', id: 'encrypt' }, t('booth.encrypt')),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const choices: Choices = {};
    const problems: string[] = [];
    for (const c of view.manifest.contests) {
      const picked = [...form.querySelectorAll<HTMLInputElement>(`input[name="${c.id}"]:checked`)].map((i) => i.value);
      const sel = picked.filter((v) => v !== '');
      const explicitBlank = picked.includes('');
      if (c.maxSelections === 1 && picked.length === 0) problems.push(t('booth.rule.missing', { contest: c.title }));
      else if (!selectionCountAllowed(c as never, sel.length) || (sel.length === 0 && !c.blankAllowed) || (explicitBlank && !c.blankAllowed))
        problems.push(t('booth.rule.violated', { contest: c.title, rule: selectionHint(c) }));
      choices[c.id] = sel;
    }
    if (problems.length) {
      error.replaceChildren(...problems.map((p) => h('p', {}, p)));
      (form.querySelector('input') as HTMLInputElement | null)?.focus();
      return;
    }
    state.choices = choices;
    encryptAndReview();
  });
  const recovered = state.device!.recovered;
  const revoting = state.device!.receipts.length > 0 || (recovered?.earlier ?? 0) > 0;
  render(
    h('h2', {}, view.title),
    whoAmI(),
    recovered
      ? h('p', { class: 'notice', id: 'code-recovered' }, t('booth.code.recovered'), recovered.earlier > 0 ? ` ${t('booth.code.earlier', { count: recovered.earlier })}` : '')
      : null,
    revoting ? h('p', { class: 'notice', id: 'revote-note' }, view.revoting === 'last' ? t('booth.revote.allowed') : t('booth.revote.notAllowed')) : null,
    h('p', { class: 'hint' }, t('booth.device.explain')),
    fingerprintLine(),
    form,
  );
}

function encryptAndReview(): void {
  busy('booth.encrypting');
  // Let the status paint before the (synchronous) encryption.
  setTimeout(() => {
    const d = state.device!;
    const secret = hexToBytes(d.pseudonymSecret, 32);
    const pseudonym = { secretKey: secret, publicKey: pseudonymPublicKey(secret) };
    // Every prepared ballot takes the next counter (§20), kept with the key: a later submission always
    // carries a higher one, whichever of the prepared ballots the voter casts or audits.
    d.counter = (d.counter ?? 0) + 1;
    saveDevice(state.view!.id, d);
    state.prepared = prepareBallot(state.election!, state.view!.id, d.token, pseudonym, state.choices!, d.counter);
    showReview();
  }, 30);
}

function currentCode(): string {
  return trackingCode(ballotHash(group, state.prepared!.ballot));
}

function summary(choices: Choices) {
  const view = state.view!;
  return h(
    'dl',
    { class: 'summary' },
    ...view.manifest.contests.flatMap((c) => [
      h('dt', {}, c.title),
      h('dd', {}, (choices[c.id] ?? []).length ? (choices[c.id] ?? []).map((id) => c.options.find((o) => o.id === id)?.title ?? id).join(', ') : t('booth.blank')),
    ]),
  );
}

function showReview(): void {
  state.redraw = showReview;
  render(
    h('h2', {}, t('booth.review.title')),
    summary(state.choices!),
    h('p', {}, t('booth.review.code')),
    h('p', { class: 'code', id: 'tracking-code' }, currentCode()),
    h('p', {}, t('booth.review.explain')),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'cast', onclick: () => void cast() }, t('booth.cast')),
      h('button', { type: 'button', id: 'audit', onclick: () => void audit() }, t('booth.audit')),
      h('button', { type: 'button', id: 'change', onclick: () => showBallot() }, t('booth.change')),
    ),
  );
}

async function audit(): Promise<void> {
  const view = state.view!;
  const prepared = state.prepared!;
  busy('booth.audit.working');
  try {
    // Anonymous: no cookie. An audited ballot is opened and can never be counted.
    const res = await api<{ trackingCode: string; choices: Choices }>(`/elections/${view.id}/audits`, { method: 'POST', credentials: 'omit', json: auditBody(state.election!, prepared) });
    state.prepared = undefined;
    showAudited(res);
  } catch (e) {
    render(h('h2', {}, t('booth.audit.title')), errorBox(e));
  }
}

function showAudited(res: { trackingCode: string; choices: Choices }): void {
  const view = state.view!;
  {
    const same = JSON.stringify(res.choices) === JSON.stringify(Object.fromEntries(view.manifest.contests.map((c) => [c.id, state.choices![c.id] ?? []])));
    const link = `${location.origin}/observer/?election=${view.id}&code=${encodeURIComponent(res.trackingCode)}`;
    state.redraw = () => showAudited(res);
    render(
      h('h2', {}, t('booth.audit.title')),
      h('p', {}, t('booth.audit.code'), ' ', h('span', { class: 'code', id: 'audit-code' }, res.trackingCode)),
      h('p', {}, t('booth.audit.opened')),
      h('div', { id: 'audit-opened' }, summary(res.choices)),
      h('p', { class: same ? 'ok' : 'bad', id: 'audit-verdict' }, same ? t('booth.audit.match') : t('booth.audit.mismatch')),
      h('p', {}, t('booth.audit.secondDevice')),
      h('p', {}, h('a', { href: link, id: 'audit-link', target: '_blank', rel: 'noopener' }, link)),
      h('button', { type: 'button', class: 'primary', id: 'reencrypt', onclick: () => encryptAndReview() }, t('booth.audit.reencrypt')),
    );
  }
}

async function cast(): Promise<void> {
  const view = state.view!;
  const prepared = state.prepared!;
  busy('booth.cast.working');
  try {
    // Anonymous: `credentials: 'omit'` sends no cookie; the token proves the right to vote.
    const receipt = await api<CastAnswer>(`/elections/${view.id}/ballots`, { method: 'POST', credentials: 'omit', json: prepared.castBody });
    // Checked here, against the board key this device anchored (setup proof, bound into H), not the server's word.
    const verdict = verifyReceipt(receipt, {
      electionId: view.id,
      boardPublicKey: state.verified!.setup.boardPublicKey,
      ballot: prepared.castBody.ballot,
      ballotHash: ballotHash(group, prepared.ballot),
      audited: false,
    });
    state.prepared = undefined;
    const d = state.device!;
    const earlier = d.receipts.filter((r) => !r.file.audited).pop();
    // The whole file is kept (not just the code): it is the evidence the voter saves and re-checks after the close.
    const file = receiptFile(receipt, { electionId: view.id, fingerprint: bytesToHex(state.election!.electionHash), boardPublicKey: state.verified!.setup.boardPublicKey });
    d.receipts.push({ file, verified: verdict.ok });
    saveDevice(view.id, d);
    showReceipt(file, verdict, earlier?.file.trackingCode);
  } catch (e) {
    // Another device with the same code cast meanwhile (or the board hid an entry at recovery): take the
    // board's counter, so that the ballot encrypted next (the voter reviews it again) is sent after it.
    if (refusalsOf(e).some((r) => r.code === 'stale_counter')) {
      const d = state.device!;
      try {
        const seen = await lastSubmission(view.id, bytesToHex(pseudonymPublicKey(hexToBytes(d.pseudonymSecret, 32))));
        d.counter = Math.max(d.counter ?? 0, seen.counter);
        saveDevice(view.id, d);
      } catch {
        /* the refusal below is shown either way */
      }
    }
    render(h('h2', {}, t('booth.cast')), errorBox(e), h('button', { type: 'button', onclick: () => showBallot() }, t('booth.change')));
  }
}

function showReceipt(receipt: ReceiptFile, verdict: ReceiptVerdict, replaces?: string): void {
  state.redraw = () => showReceipt(receipt, verdict, replaces);
  const result = h('div', { id: 'check-result', 'aria-live': 'polite' });
  render(
    h('h2', {}, t('booth.receipt.title')),
    verdict.ok
      ? h('p', { id: 'cast-done', class: 'ok' }, t('booth.receipt.done'))
      : h(
          'div',
          { class: 'refused', id: 'receipt-invalid', role: 'alert' },
          h('p', {}, h('strong', {}, t('booth.receipt.invalid'))),
          h('ul', {}, ...verdict.failures.map((f) => h('li', { class: 'detail' }, f))),
          h('p', {}, t('booth.receipt.invalidHelp')),
        ),
    verdict.ok ? h('p', { class: 'ok', id: 'receipt-verified' }, `✓ ${t('booth.receipt.verified')}`) : null,
    // Under 'last' the new ballot is the one that counts; under 'first' a second cast is refused by the server.
    replaces && state.view!.revoting === 'last' ? h('p', { class: 'notice', id: 'receipt-replaces' }, t('booth.receipt.replaces', { code: replaces })) : null,
    h('p', {}, t('booth.review.code')),
    trackingCodeBlock(receipt.trackingCode, 'receipt-code'),
    h('p', {}, t('booth.receipt.keep')),
    h('p', { class: 'hint' }, t('receipt.fileExplain')),
    h('div', { class: 'actions' }, ...receiptButtons(receipt)),
    h(
      'div',
      { class: 'actions no-print' },
      h('button', { type: 'button', class: 'primary', id: 'check', onclick: () => void checkMine(receipt, result) }, t('booth.check')),
      state.view!.revoting === 'last' ? h('button', { type: 'button', id: 'revote', onclick: () => showBallot() }, t('booth.revote.button')) : null,
      h('a', { class: 'button', href: `/observer/?election=${state.view!.id}&code=${receipt.trackingCode}` }, t('booth.openBoard')),
    ),
    result,
  );
}

async function checkMine(receipt: ReceiptFile, out: HTMLElement): Promise<void> {
  const code = receipt.trackingCode;
  out.replaceChildren(h('p', { role: 'status' }, t('common.working')));
  try {
    const view = state.view!;
    const found = await api<{ entry: BoardEntry; inclusion: { seq: number; leafHash: string; head: SignedHead; path: string[] } }>(`/elections/${view.id}/ballots/${encodeURIComponent(code)}`, { credentials: 'omit' });
    // The anchored board key, never GET /board/key of the same server; and the entry must be the cast ballot with this code.
    const r = checkInclusion(found.entry.entry, found.inclusion, state.verified!.setup.boardPublicKey);
    const row = (ok: boolean, key: MessageKey) => h('li', { class: ok ? 'ok' : 'bad' }, `${ok ? '✓' : '✗'} ${t(key)}`);
    // The entry found under this code must be exactly the one the receipt holds (whose ballot this device cast).
    const isBallot = found.entry.kind === 'ballot' && found.inclusion.seq === found.entry.seq && found.entry.entry === receipt.entry;
    const all = r.leafMatches && r.included && r.headSigned && isBallot;
    out.replaceChildren(
      h('ul', { class: 'checks', id: 'inclusion-checks' }, row(r.leafMatches, 'booth.check.leaf'), row(r.included, 'booth.check.included'), row(r.headSigned, 'booth.check.signed')),
      h('p', { class: all ? 'ok' : 'bad', id: 'inclusion-verdict' }, all ? t('booth.check.ok', { seq: found.inclusion.seq, size: found.inclusion.head.size }) : t('booth.check.failed')),
    );
  } catch (e) {
    out.replaceChildren(errorBox(e));
  }
}

initPage('booth.title', () => state.redraw());
void start();
