/**
 * The contests form editor: contests and options added and removed, kind, min/max selections, blank,
 * titles. It edits the contests array of the definition the API takes (docs/protocol.md §40.1) and nothing
 * else; a raw JSON view stays in step for experts; the ballot preview is drawn by the booth's own code.
 */
import { CONTEST_KINDS } from '../../crypto/ballot/manifest';
import { contestFieldsets } from '../common/contests';
import { h } from '../common/dom';
import { t, type MessageKey } from '../i18n';
import { contestProblems, previewManifest } from './contest-check';

type Json = Record<string, unknown>;

const DEFAULT_CONTESTS = (): Json[] => [
  { id: 'council', title: 'Council', kind: 'one-of-m', minSelections: 1, maxSelections: 1, blankAllowed: true, options: [{ id: 'list-a', title: 'List A' }, { id: 'list-b', title: 'List B' }] },
];

/** A fresh id not yet used among `taken`: `<base>-<n>`. */
function freshId(base: string, taken: unknown[]): string {
  for (let n = taken.length + 1; ; n++) if (!taken.includes(`${base}-${n}`)) return `${base}-${n}`;
}

export interface ContestEditor {
  element: HTMLElement;
  /** The contests as the API takes them. */
  contests(): unknown;
  /** Shows every field's problem; true when there is none. */
  check(): boolean;
  /** Redraws the preview (the election's title changed). */
  refreshPreview(): void;
}

export function contestEditor(electionTitle: () => string): ContestEditor {
  let contests: unknown = DEFAULT_CONTESTS();
  const list = h('div', { id: 'contest-list' });
  const raw = h('textarea', { id: 'f-contests', rows: 12, spellcheck: false, 'aria-describedby': 'f-contests-error' });
  const rawError = h('p', { class: 'field-error', id: 'f-contests-error', 'aria-live': 'polite' });
  const allError = h('p', { class: 'field-error', id: 'contests-error', 'aria-live': 'polite' });
  const preview = h('section', { id: 'ballot-preview', hidden: true, 'aria-labelledby': 'ballot-preview-h' });
  let shown = false;
  const inputs = new Map<string, HTMLElement>();
  const errors = new Map<string, HTMLElement>();

  const arr = (): Json[] => (Array.isArray(contests) ? (contests as Json[]) : []);

  const showProblems = () => {
    const problems = contestProblems(contests);
    for (const [k, el] of errors) el.textContent = problems.get(k) ?? '';
    for (const [k, el] of inputs) {
      if (problems.has(k)) el.setAttribute('aria-invalid', 'true');
      else el.removeAttribute('aria-invalid');
    }
    // What no field of the form shows (the raw view's own keys, say) is said below the list.
    const unplaced = [...problems].filter(([k]) => !errors.has(k)).map(([k, p]) => (k === 'all' ? p : `${k}: ${p}`));
    allError.textContent = unplaced.join(' · ');
    return problems;
  };

  const drawPreview = () => {
    if (!shown) return;
    const m = previewManifest(contests, electionTitle());
    preview.replaceChildren(
      h('h3', { id: 'ballot-preview-h' }, t('console.preview.title')),
      h('p', { class: 'hint' }, t('console.preview.hint')),
      m
        ? h('div', { class: 'ballot preview', id: 'preview-ballot' }, h('h4', {}, electionTitle() || '…'), ...contestFieldsets(m.contests, { readOnly: true, idPrefix: 'preview-' }))
        : h('p', { class: 'refused', id: 'preview-blocked' }, t('console.preview.blocked')),
    );
  };

  /** After any edit: the raw view, the problems and the preview follow. */
  const changed = (fromRaw = false) => {
    if (!fromRaw) raw.value = JSON.stringify(contests, null, 2);
    showProblems();
    drawPreview();
  };

  const errorFor = (key: string) => {
    const el = h('p', { class: 'field-error', id: `${key.replace(/\./g, '-')}-error`, 'aria-live': 'polite' });
    errors.set(key, el);
    return el;
  };

  const bind = <E extends HTMLInputElement | HTMLSelectElement>(key: string, label: MessageKey, el: E, read: (el: E) => unknown, obj: Json, prop: string, structural = false) => {
    el.id = key.replace(/\./g, '-');
    const err = errorFor(key);
    el.setAttribute('aria-describedby', err.id);
    inputs.set(key, el);
    el.addEventListener(el instanceof HTMLSelectElement || el.type === 'checkbox' ? 'change' : 'input', () => {
      obj[prop] = read(el);
      if (structural) draw();
      else changed();
    });
    return h('label', { class: 'field' }, h('span', {}, t(label)), el, err);
  };
  const text = (v: unknown) => h('input', { value: typeof v === 'string' ? v : JSON.stringify(v ?? '') });
  const num = (v: unknown) => h('input', { type: 'number', min: 0, step: 1, value: String(v ?? '') });
  const readNum = (el: HTMLInputElement) => (el.value.trim() === '' ? null : Number(el.value));

  const draw = () => {
    inputs.clear();
    errors.clear();
    list.replaceChildren(
      ...arr().map((c, i) => {
        const options = Array.isArray(c.options) ? (c.options as Json[]) : [];
        const kind = h('select', {}, ...CONTEST_KINDS.map((k) => h('option', { value: k, selected: c.kind === k }, t(`console.contest.kind.${k}` as MessageKey))));
        const blank = h('input', { type: 'checkbox', checked: c.blankAllowed === true });
        const kindField = bind(`c${i}.kind`, 'console.contest.kind', kind, (el) => {
          // One choice per ballot for these kinds: min = max = 1, as the core requires.
          if (el.value === 'one-of-m' || el.value === 'referendum') Object.assign(c, { minSelections: 1, maxSelections: 1 });
          return el.value;
        }, c, 'kind', true);
        return h(
          'fieldset',
          { class: 'contest-edit', 'data-index': i },
          h('legend', {}, t('console.contest.n', { n: i + 1 })),
          bind(`c${i}.title`, 'console.contest.title', text(c.title), (el) => el.value, c, 'title'),
          bind(`c${i}.id`, 'console.contest.id', text(c.id), (el) => el.value, c, 'id'),
          kindField,
          bind(`c${i}.minSelections`, 'console.contest.min', num(c.minSelections), readNum, c, 'minSelections'),
          bind(`c${i}.maxSelections`, 'console.contest.max', num(c.maxSelections), readNum, c, 'maxSelections'),
          h('div', { class: 'check' }, bind(`c${i}.blankAllowed`, 'console.contest.blank', blank, (el) => el.checked, c, 'blankAllowed')),
          h('p', { class: 'field-error', id: `c${i}-rule-error`, 'aria-live': 'polite' }),
          h(
            'ol',
            { class: 'options-edit' },
            ...options.map((o, j) =>
              h(
                'li',
                {},
                bind(`c${i}.o${j}.title`, 'console.option.title', text(o.title), (el) => el.value, o, 'title'),
                bind(`c${i}.o${j}.id`, 'console.option.id', text(o.id), (el) => el.value, o, 'id'),
                h('button', { type: 'button', id: `c${i}-o${j}-remove`, onclick: () => { options.splice(j, 1); draw(); } }, t('console.option.remove')),
              ),
            ),
          ),
          h('button', { type: 'button', id: `c${i}-add-option`, onclick: () => { options.push({ id: freshId('option', options.map((x) => x.id)), title: '' }); c.options = options; draw(); } }, t('console.option.add')),
          ' ',
          h('button', { type: 'button', id: `c${i}-remove`, onclick: () => { arr().splice(i, 1); draw(); } }, t('console.contest.remove')),
        );
      }),
    );
    // The rule errors are not inputs of their own: register them after the draw.
    arr().forEach((_, i) => errors.set(`c${i}.rule`, list.querySelector(`#c${i}-rule-error`)!));
    changed();
  };

  raw.addEventListener('input', () => {
    try {
      contests = JSON.parse(raw.value);
      rawError.textContent = '';
    } catch (e) {
      rawError.textContent = t('console.contests.rawInvalid', { reason: e instanceof Error ? e.message : String(e) });
      return;
    }
    // The form follows the raw view (the raw text itself is left as typed).
    const keep = raw.value;
    draw();
    raw.value = keep;
    changed(true);
  });

  const addContest = h('button', { type: 'button', id: 'add-contest', onclick: () => {
    if (!Array.isArray(contests)) contests = [];
    const c = arr();
    c.push({ id: freshId('contest', c.map((x) => x.id)), title: '', kind: 'one-of-m', minSelections: 1, maxSelections: 1, blankAllowed: true, options: [{ id: 'option-1', title: '' }, { id: 'option-2', title: '' }] });
    draw();
    (list.querySelector(`#c${c.length - 1}-title`) as HTMLInputElement | null)?.focus();
  } }, t('console.contest.add'));
  const previewButton = h('button', { type: 'button', id: 'preview-button', 'aria-controls': 'ballot-preview', onclick: () => {
    shown = !shown;
    preview.hidden = !shown;
    previewButton.setAttribute('aria-expanded', String(shown));
    drawPreview();
  } }, t('console.preview.show'));
  previewButton.setAttribute('aria-expanded', 'false');

  const element = h(
    'div',
    { class: 'contest-editor' },
    h('h4', {}, t('console.contests')),
    list,
    allError,
    h('p', {}, addContest, ' ', previewButton),
    preview,
    h('details', { id: 'raw-contests' }, h('summary', {}, t('console.contests.raw')), h('label', { class: 'field', for: 'f-contests' }, h('span', {}, t('console.f.contests'))), raw, rawError),
  );
  draw();
  return {
    element,
    contests: () => contests,
    refreshPreview: drawPreview,
    check: () => {
      const problems = showProblems();
      if (problems.size === 0) return true;
      const first = [...inputs].find(([k]) => problems.has(k))?.[1];
      first?.focus();
      return false;
    },
  };
}
