/**
 * The officials' console: create an election (form or definition file), import the roll (CSV), start and
 * watch the key ceremony, open / close / publish, add and remove officials, each with a step-up
 * confirmation at the identity provider (the browser goes there and comes back with ?confirmed=<action>),
 * and watch turnout (a count, from the board).
 */
import { api, ApiError, type ElectionView, type Me, param } from '../common/api';
import { h, render } from '../common/dom';
import { whoAmILine } from '../common/whoami';
import { refusalView } from '../common/refusal-view';
import { contestEditor } from './contest-editor';
import { initPage, lang, loginHref, t, type MessageKey } from '../i18n';

let redraw: () => void = () => void start();
/** The logged-in official, for the header line of every view. */
let me_: Me | undefined;
let timer: number | undefined;

/** Problems listed one per line when the API gives them (a roll's bad lines, a definition's fields). */
const MAX_LISTED_PROBLEMS = 50;

function errorBox(e: unknown) {
  const problems = e instanceof ApiError && Array.isArray(e.body?.details) ? e.body.details.map(String) : [];
  // The refusal in the page's language, by its code (the server's English message only for a code this page does not know).
  if (problems.length === 0) return h('div', { class: 'error', role: 'alert' }, ...refusalView(e));
  return h(
    'div',
    { class: 'error', role: 'alert' },
    ...refusalView(e),
    h('ul', { class: 'problems' }, ...problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => h('li', {}, p))),
    problems.length > MAX_LISTED_PROBLEMS ? h('p', {}, t('console.problems.more', { n: problems.length - MAX_LISTED_PROBLEMS })) : null,
  );
}

async function logout(): Promise<void> {
  sessionStorage.removeItem(PENDING_OFFICIAL);
  await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin', referrerPolicy: 'same-origin' });
  location.href = '/console/';
}

async function start(): Promise<void> {
  window.clearInterval(timer);
  try {
    const me = await api<Me>('/auth/me');
    if (!me.authenticated) {
      redraw = () => void start();
      return render(
        h('h2', {}, t('console.login.title')),
        h('p', {}, t('console.login.intro')),
        h('a', { class: 'button primary', id: 'login', href: loginHref('/console/' + location.search) }, t('common.login')),
      );
    }
    if (!me.roles.includes('official')) {
      redraw = () => void start();
      return render(
        h('h2', {}, t('console.title')),
        whoAmILine(me, logout),
        h('p', { class: 'refused', id: 'not-official' }, t('console.notOfficial')),
        h('p', {}, h('button', { type: 'button', class: 'button', id: 'switch-account', onclick: () => void logout() }, t('console.switchAccount'))),
      );
    }
    me_ = me;
    const id = param('election');
    if (id) await showElection(id);
    else await showHome();
  } catch (e) {
    render(h('h2', {}, t('console.title')), errorBox(e));
  }
}

function field(label: MessageKey, input: HTMLElement) {
  return h('label', { class: 'field' }, h('span', {}, t(label)), input);
}

async function showHome(): Promise<void> {
  const all = await api<ElectionView[]>('/elections');
  redraw = () => void showHome();
  const out = h('div', { id: 'create-result', 'aria-live': 'polite' });
  const title = h('input', { id: 'f-title', required: true });
  const slug = h('input', { id: 'f-slug', required: true, pattern: '[a-z0-9][a-z0-9\\-]*' });
  const kind = h('select', { id: 'f-kind' }, ...['municipal', 'regional', 'federal', 'european'].map((k) => h('option', { value: k }, t(`kind.${k}` as MessageKey))));
  const day = h('input', { id: 'f-day', type: 'date', required: true });
  const constituency = h('input', { id: 'f-constituency' });
  // The Belgian rule; the commission of a Flemish local election (not compulsory since 2024) unticks it.
  const compulsory = h('input', { id: 'f-compulsory', type: 'checkbox', checked: true }) as HTMLInputElement;
  const revoting = h('select', { id: 'f-revoting' }, h('option', { value: 'last' }, t('console.revoting.last')), h('option', { value: 'first' }, t('console.revoting.first')));
  const trusteeThreshold = h('input', { id: 'f-trustee-threshold', type: 'number', min: 1, value: 2 });
  const issuerThreshold = h('input', { id: 'f-issuer-threshold', type: 'number', min: 1, value: 2 });
  const trustees = h('textarea', { id: 'f-trustees', 'aria-describedby': 'f-trustees-hint' });
  const editor = contestEditor(() => title.value);
  title.addEventListener('input', () => editor.refreshPreview());
  const file = h('input', { id: 'f-file', type: 'file', accept: 'application/json,.json' });

  const submit = async (definition: unknown) => {
    out.replaceChildren(h('p', { role: 'status' }, t('common.working')));
    try {
      const created = await api<ElectionView>('/elections', { method: 'POST', json: definition });
      location.href = `/console/?election=${created.id}`;
    } catch (e) {
      out.replaceChildren(errorBox(e));
    }
  };
  const form = h(
    'form',
    { id: 'create' },
    field('console.f.title', title),
    field('console.f.slug', slug),
    field('console.f.kind', kind),
    field('console.f.day', day),
    field('console.f.constituency', constituency),
    field('console.f.compulsory', compulsory),
    field('console.f.revoting', revoting),
    field('console.f.trusteeThreshold', trusteeThreshold),
    field('console.f.issuerThreshold', issuerThreshold),
    field('console.f.trustees', trustees),
    h('p', { class: 'hint', id: 'f-trustees-hint' }, t('console.f.trusteesHint')),
    editor.element,
    h('button', { type: 'submit', class: 'primary', id: 'create-button' }, t('console.create')),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    // The contests are checked here field by field first, with the core's own rules; the server checks again.
    if (!editor.check()) {
      out.replaceChildren(h('p', { class: 'error', role: 'alert', id: 'contests-invalid' }, t('console.contests.invalid')));
      return;
    }
    try {
      void submit({
        slug: slug.value,
        title: title.value,
        kind: kind.value,
        electionDay: day.value,
        ...(constituency.value ? { constituency: constituency.value } : {}),
        compulsoryVoting: compulsory.checked,
        revoting: revoting.value,
        trusteeThreshold: Number(trusteeThreshold.value),
        issuerThreshold: Number(issuerThreshold.value),
        trustees: trustees.value
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .map((l) => {
            const i = l.lastIndexOf(' ');
            return { name: l.slice(0, i).trim(), publicKey: l.slice(i + 1) };
          }),
        contests: editor.contests(),
      });
    } catch (e) {
      out.replaceChildren(errorBox(e));
    }
  });
  const fileForm = h('form', { id: 'upload' }, field('console.f.file', file), h('button', { type: 'submit', id: 'upload-button' }, t('console.upload')));
  fileForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = file.files?.[0];
    if (!f) return;
    void f.text().then((text) => {
      try {
        void submit(JSON.parse(text));
      } catch (e) {
        out.replaceChildren(errorBox(e));
      }
    });
  });

  render(
    h('h2', {}, t('console.elections')),
    me_ ? whoAmILine(me_, logout) : null,
    h(
      'table',
      { id: 'elections' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('observer.col.title')), h('th', { scope: 'col' }, t('observer.col.status')), h('th', { scope: 'col' }, t('observer.col.day')))),
      h('tbody', {}, ...all.map((e) => h('tr', {}, h('td', {}, h('a', { href: `/console/?election=${e.id}` }, e.title)), h('td', {}, t(`status.${e.status}` as MessageKey)), h('td', {}, e.electionDay)))),
    ),
    h('h2', {}, t('console.new')),
    h('h3', {}, t('console.fromFile')),
    fileForm,
    h('h3', {}, t('console.fromForm')),
    form,
    out,
  );
}

type Action = 'start_key_ceremony' | 'open' | 'close' | 'publish' | 'archive' | 'abandon_ceremony';
type OfficialAction = 'add_official' | 'remove_official';
/** Where each confirmed lifecycle action is sent once the official is back. */
const ACTION_PATH: Record<Action, string> = { start_key_ceremony: 'key-ceremony', open: 'open', close: 'close', publish: 'publish', archive: 'archive', abandon_ceremony: 'abandon-ceremony' };
/** The ceremony deadlines chosen before the step-up trip (sent with the start once the official is back). */
const PENDING_DEADLINES = 'evote.console.pending-deadlines';

/** The ceremony as GET /elections/:id/key-ceremony shows it (docs/protocol.md §35.2). */
interface CeremonyStatus {
  state: string;
  trustees: Array<{ index: number; name: string }>;
  deadlines: { dealing: string | null; verdicts: string | null };
  progress: Array<{ index: number; dealt: boolean; verdictsPosted: boolean; disqualified: 'no_dealing' | 'faulty_dealing' | null }>;
  dealingsClosedAt: string | null;
  failure: string | null;
  baseHash: string | null;
}

/** A datetime-local input's value as an ISO instant (the browser's time zone), or undefined when empty. */
const isoFromLocal = (v: string): string | undefined => (v ? new Date(v).toISOString() : undefined);
const shownTime = (iso: string | null): string => (iso ? new Date(iso).toLocaleString(lang()) : '–');

/** One row per trustee: the dealing round, the verdict round, and whether it is out of the ceremony. */
function ceremonyTable(kc: CeremonyStatus): HTMLElement {
  const dealing = (p: CeremonyStatus['progress'][number]) =>
    p.dealt ? t('console.ceremony.dealt') : kc.dealingsClosedAt || kc.state === 'failed' ? t('console.ceremony.missed') : t('console.ceremony.waiting');
  const verdicts = (p: CeremonyStatus['progress'][number]) =>
    p.verdictsPosted ? t('console.ceremony.verdictsPosted') : !p.dealt || !kc.dealingsClosedAt ? '–' : kc.state === 'checking' ? t('console.ceremony.waiting') : t('console.ceremony.noVerdicts');
  return h(
    'table',
    { id: 'ceremony-trustees' },
    h('thead', {}, h('tr', {}, ...(['console.ceremony.col.trustee', 'console.ceremony.col.dealing', 'console.ceremony.col.verdicts', 'console.ceremony.col.standing'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
    h(
      'tbody',
      {},
      ...kc.progress.map((p) =>
        h(
          'tr',
          { 'data-trustee': String(p.index), 'data-disqualified': p.disqualified ?? '' },
          h('td', {}, kc.trustees.find((x) => x.index === p.index)?.name ?? String(p.index)),
          h('td', {}, dealing(p)),
          h('td', {}, verdicts(p)),
          h('td', {}, p.disqualified ? t(`console.ceremony.out.${p.disqualified}` as MessageKey) : t('console.ceremony.in')),
        ),
      ),
    ),
  );
}

/**
 * The officials' change waiting for its confirmation: the national number must survive the trip to the
 * identity provider, and never in a URL (history, logs): in this tab's sessionStorage, removed as soon as
 * the console is back (or at logout).
 */
const PENDING_OFFICIAL = 'evote.console.pending-official';
interface PendingOfficial {
  electionId: string;
  action: OfficialAction;
  nationalNumber: string;
}

/** Step-up: the server words the action; the official confirms it at the identity provider and comes back. */
async function confirmAndReturn(id: string, action: Action | OfficialAction): Promise<void> {
  const { message, actionHash } = await api<{ message: string; actionHash: string }>(`/elections/${id}/action-message?action=${action}`);
  const { authorizationUrl } = await api<{ authorizationUrl: string }>('/auth/step-up', {
    method: 'POST',
    json: { action: message, actionHash, returnTo: `/console/?election=${id}&confirmed=${action}`, lang: lang() },
  });
  location.href = authorizationUrl;
}

async function showElection(id: string): Promise<void> {
  const notice = h('div', { id: 'action-result', 'aria-live': 'polite' });
  const confirmed = param('confirmed');
  if (confirmed && Object.hasOwn(ACTION_PATH, confirmed)) {
    history.replaceState(null, '', `/console/?election=${id}`);
    try {
      // The start carries the deadlines chosen before the trip (none: the server's defaults).
      const deadlines = confirmed === 'start_key_ceremony' ? sessionStorage.getItem(PENDING_DEADLINES) : null;
      sessionStorage.removeItem(PENDING_DEADLINES);
      await api(`/elections/${id}/${ACTION_PATH[confirmed as Action]}`, { method: 'POST', ...(deadlines ? { json: JSON.parse(deadlines) as object } : {}) });
      notice.append(h('p', { class: 'ok', id: 'action-done' }, t(`console.done.${confirmed}` as MessageKey)));
    } catch (e) {
      notice.append(errorBox(e));
    }
  }
  if (confirmed === 'add_official' || confirmed === 'remove_official') {
    history.replaceState(null, '', `/console/?election=${id}`);
    notice.append(await applyOfficialChange(id, confirmed));
  }
  const view = await api<ElectionView>(`/elections/${id}`);
  redraw = () => void showElection(id);

  const rollOut = h('div', { id: 'roll-result', 'aria-live': 'polite' });
  const csv = h('textarea', { id: 'roll-csv', 'aria-describedby': 'roll-hint' });
  const csvFile = h('input', { id: 'roll-file', type: 'file', accept: 'text/csv,.csv,text/plain' });
  csvFile.addEventListener('change', () => void csvFile.files?.[0]?.text().then((text) => (csv.value = text)));
  const rollForm = h(
    'form',
    { id: 'roll' },
    field('console.roll.file', csvFile),
    field('console.roll.csv', csv),
    h('p', { class: 'hint', id: 'roll-hint' }, t('console.roll.hint')),
    h('button', { type: 'submit', id: 'roll-button' }, t('console.roll.import')),
  );
  rollForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    rollOut.replaceChildren(h('p', { role: 'status' }, t('common.working')));
    api<{ imported: number }>(`/elections/${id}/roll/csv`, { method: 'PUT', json: { csv: csv.value } })
      .then((r) => rollOut.replaceChildren(h('p', { class: 'ok', id: 'roll-imported' }, t('console.roll.imported', { n: r.imported }))))
      .catch((e) => rollOut.replaceChildren(errorBox(e)));
  });

  const ceremony = h('div', { id: 'ceremony', 'aria-live': 'polite' });
  const turnout = h('p', { id: 'turnout', class: 'figure', 'aria-live': 'polite' }, '–');
  const act = (action: Action) =>
    h(
      'button',
      {
        type: 'button',
        class: 'primary',
        id: `do-${action}`,
        onclick: () => {
          notice.replaceChildren(h('p', { role: 'status' }, t('console.stepUp.going')));
          confirmAndReturn(id, action).catch((e) => notice.replaceChildren(errorBox(e)));
        },
      },
      t(`console.action.${action}` as MessageKey),
    );
  const dealingDeadline = h('input', { id: 'dealing-deadline', type: 'datetime-local' });
  const verdictDeadline = h('input', { id: 'verdict-deadline', type: 'datetime-local' });
  const startCeremony = h(
    'div',
    { class: 'ceremony-start' },
    field('console.ceremony.dealingDeadline', dealingDeadline),
    field('console.ceremony.verdictDeadline', verdictDeadline),
    h('p', { class: 'hint' }, t('console.ceremony.deadlinesHint')),
    h(
      'button',
      {
        type: 'button',
        id: 'start-ceremony',
        onclick: () => {
          const deadlines = { dealingDeadline: isoFromLocal(dealingDeadline.value), verdictDeadline: isoFromLocal(verdictDeadline.value) };
          sessionStorage.setItem(PENDING_DEADLINES, JSON.stringify(deadlines));
          notice.replaceChildren(h('p', { role: 'status' }, t('console.stepUp.going')));
          confirmAndReturn(id, 'start_key_ceremony').catch((e) => {
            sessionStorage.removeItem(PENDING_DEADLINES);
            notice.replaceChildren(errorBox(e));
          });
        },
      },
      t('console.ceremony.start'),
    ),
  );

  const officialNn = h('input', { id: 'official-nn', inputmode: 'numeric', autocomplete: 'off', required: true });
  const officialsOut = h('div', { id: 'officials-result', 'aria-live': 'polite' });
  const changeOfficial = (action: OfficialAction) => {
    const nationalNumber = officialNn.value.trim();
    if (!nationalNumber) return officialNn.focus();
    sessionStorage.setItem(PENDING_OFFICIAL, JSON.stringify({ electionId: id, action, nationalNumber } satisfies PendingOfficial));
    officialsOut.replaceChildren(h('p', { role: 'status' }, t('console.stepUp.going')));
    confirmAndReturn(id, action).catch((e) => {
      sessionStorage.removeItem(PENDING_OFFICIAL);
      officialsOut.replaceChildren(errorBox(e));
    });
  };
  const officialsForm = h(
    'form',
    { id: 'officials' },
    field('console.officials.nn', officialNn),
    h('button', { type: 'submit', id: 'official-add' }, t('console.officials.add')),
    ' ',
    h('button', { type: 'button', id: 'official-remove', onclick: () => changeOfficial('remove_official') }, t('console.officials.remove')),
  );
  officialsForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    changeOfficial('add_official');
  });

  const actions = h(
    'div',
    { class: 'actions' },
    view.status === 'draft' ? startCeremony : null,
    // A draft that will not go on: set aside for good (out of the lists), confirmed like every action.
    view.status === 'draft' ? h('button', { type: 'button', id: 'do-archive', onclick: () => {
      notice.replaceChildren(h('p', { role: 'status' }, t('console.stepUp.going')));
      confirmAndReturn(id, 'archive').catch((e) => notice.replaceChildren(errorBox(e)));
    } }, t('console.action.archive')) : null,
    view.status === 'open' ? act('close') : null,
    view.status === 'tallied' ? act('publish') : null,
  );
  render(
    h('h2', {}, view.title),
    me_ ? whoAmILine(me_, logout) : null,
    h('p', {}, `${t('observer.col.status')}: `, h('strong', { id: 'status', 'data-status': view.status }, t(`status.${view.status}` as MessageKey)), ` · ${view.constituency} · ${view.electionDay}`),
    h('p', {}, h('a', { href: '/console/' }, t('observer.back')), ' · ', h('a', { href: `/observer/?election=${id}` }, t('console.toObserver'))),
    notice,
    actions,
    h('p', { class: 'hint' }, t('console.stepUp.explain')),
    h('section', { 'aria-labelledby': 'turnout-h' }, h('h3', { id: 'turnout-h' }, t('console.turnout')), turnout, h('p', { class: 'hint' }, t('console.turnout.explain'))),
    h('section', { 'aria-labelledby': 'ceremony-h' }, h('h3', { id: 'ceremony-h' }, t('console.ceremony')), ceremony),
    view.status === 'draft' ? h('section', { 'aria-labelledby': 'roll-h' }, h('h3', { id: 'roll-h' }, t('console.roll')), rollForm, rollOut) : null,
    h('section', { 'aria-labelledby': 'officials-h' }, h('h3', { id: 'officials-h' }, t('console.officials')), h('p', { class: 'hint' }, t('console.officials.hint')), officialsForm, officialsOut),
  );

  const refresh = async () => {
    try {
      const [kc, entries] = await Promise.all([
        view.status === 'draft' ? Promise.resolve(null) : api<CeremonyStatus>(`/elections/${id}/key-ceremony`),
        countBallots(id),
      ]);
      turnout.textContent = t('console.turnout.figures', entries);
      // The election key on the server is what counts (also when the ceremony ran elsewhere).
      if (kc?.baseHash) kc.state = 'complete';
      ceremony.replaceChildren(
        kc
          ? h(
              'div',
              {},
              h('p', { id: 'ceremony-state', 'data-state': kc.state }, t(`ceremony.${kc.state}` as MessageKey)),
              kc.deadlines?.dealing
                ? h('p', { id: 'ceremony-deadlines' }, t('console.ceremony.deadlines', { dealing: shownTime(kc.deadlines.dealing), verdicts: shownTime(kc.deadlines.verdicts) }))
                : null,
              kc.progress ? ceremonyTable(kc) : null,
              kc.failure ? h('p', { class: 'bad', id: 'ceremony-failure' }, kc.failure) : null,
              kc.baseHash ? h('p', { class: 'mono' }, `${t('console.ceremony.baseHash')}: ${kc.baseHash}`) : null,
            )
          : h('p', { id: 'ceremony-state', 'data-state': 'not-started' }, t('ceremony.not-started')),
      );
      // "Open" is offered once the ceremony is complete (the key exists).
      if (kc?.state === 'complete' && view.status === 'key_ceremony' && !document.getElementById('do-open')) actions.append(act('open'));
      // A failed ceremony is set aside; starting again with other trustees is a new election (§35.6).
      if (kc?.state === 'failed' && view.status === 'key_ceremony' && !document.getElementById('do-abandon_ceremony')) actions.append(act('abandon_ceremony'));
    } catch (e) {
      ceremony.replaceChildren(errorBox(e));
    }
  };
  await refresh();
  window.clearInterval(timer);
  if (view.status === 'key_ceremony' || view.status === 'open') timer = window.setInterval(() => void refresh(), 2000);
}

/** Back from confirming an officials' change: make it with the national number kept for the trip, then forget that number. */
async function applyOfficialChange(id: string, action: OfficialAction): Promise<HTMLElement> {
  const raw = sessionStorage.getItem(PENDING_OFFICIAL);
  sessionStorage.removeItem(PENDING_OFFICIAL);
  let pending: PendingOfficial | null = null;
  try {
    pending = raw ? (JSON.parse(raw) as PendingOfficial) : null;
  } catch {
    pending = null;
  }
  if (!pending || pending.electionId !== id || pending.action !== action) return h('p', { class: 'error', role: 'alert' }, t('console.officials.lost'));
  try {
    const json = { nationalNumber: pending.nationalNumber };
    if (action === 'add_official') {
      const r = await api<{ added: boolean; officials: number }>(`/elections/${id}/officials`, { method: 'POST', json });
      return h('p', { class: 'ok', id: 'official-done', 'data-result': r.added ? 'added' : 'already' }, t(r.added ? 'console.officials.added' : 'console.officials.already', { n: r.officials }));
    }
    const r = await api<{ removed: boolean; officials: number }>(`/elections/${id}/officials`, { method: 'DELETE', json });
    return r.removed
      ? h('p', { class: 'ok', id: 'official-done', 'data-result': 'removed' }, t('console.officials.removed', { n: r.officials }))
      : h('p', { class: 'refused', id: 'official-done', 'data-result': 'not-official' }, t('console.officials.notOfficial'));
  } catch (e) {
    return errorBox(e);
  }
}

/** Ballots on the board and distinct pseudonyms: counts only (board entries, paged). */
async function countBallots(id: string): Promise<{ ballots: number; voters: number }> {
  const pseudonyms = new Set<string>();
  let ballots = 0;
  for (let from = 0; ; from += 100) {
    const page = await api<Array<{ kind: string; entry: string }>>(`/elections/${id}/board/entries?from=${from}&limit=100`, { credentials: 'omit' });
    for (const e of page) {
      if (e.kind !== 'ballot') continue;
      ballots++;
      pseudonyms.add((JSON.parse(e.entry) as { payload: { token: { pseudonym: string } } }).payload.token.pseudonym);
    }
    if (page.length < 100) return { ballots, voters: pseudonyms.size };
  }
}

initPage('console.title', () => redraw());
void start();
