/**
 * How a ballot's contests look, shared by the booth (where the voter chooses) and the console's ballot
 * preview (read-only), so that an official previews exactly what voters will see.
 */
import { h } from './dom';
import { t } from '../i18n';

/** A contest as the booth reads it from the API and the console from its form (both are manifest contests). */
export interface ContestView {
  readonly id: string;
  readonly title: string;
  readonly minSelections: number;
  readonly maxSelections: number;
  readonly blankAllowed: boolean;
  readonly options: ReadonlyArray<{ readonly id: string; readonly title: string }>;
}

/** The contest's rule in words (what the voter may select). */
export function selectionHint(c: ContestView): string {
  const min = c.blankAllowed ? 0 : c.minSelections;
  if (c.maxSelections === 1) return c.blankAllowed ? t('booth.rule.oneOrBlank') : t('booth.rule.one');
  return t('booth.rule.range', { min, max: c.maxSelections });
}

export interface ContestFieldsetOptions {
  /** Options already chosen, per contest id (the booth redraws a ballot being changed). */
  chosen?: Record<string, string[]>;
  /** A preview: every input disabled, so nothing can be chosen. */
  readOnly?: boolean;
  /** Prefixed to element ids, so a preview never clashes with the page's own ids (the booth uses none). */
  idPrefix?: string;
}

/** One fieldset per contest: radio buttons when one option may be chosen (plus "blank" where allowed), else checkboxes. */
export function contestFieldsets(contests: readonly ContestView[], opts: ContestFieldsetOptions = {}): HTMLFieldSetElement[] {
  const chosen = opts.chosen ?? {};
  const p = opts.idPrefix ?? '';
  return contests.map((c) => {
    const single = c.maxSelections === 1;
    const hintId = `${p}hint-${c.id}`;
    const name = `${p}${c.id}`;
    const inputs = c.options.map((o) =>
      h(
        'label',
        { class: 'option' },
        h('input', { type: single ? 'radio' : 'checkbox', name, value: o.id, id: `${p}opt-${c.id}-${o.id}`, checked: (chosen[c.id] ?? []).includes(o.id), disabled: opts.readOnly, 'aria-describedby': hintId }),
        ' ',
        o.title,
      ),
    );
    if (single && c.blankAllowed)
      inputs.push(h('label', { class: 'option blank' }, h('input', { type: 'radio', name, value: '', id: `${p}opt-${c.id}-blank`, checked: chosen[c.id]?.length === 0, disabled: opts.readOnly }), ' ', t('booth.blank')));
    return h('fieldset', { class: 'contest', 'data-contest': c.id, disabled: opts.readOnly }, h('legend', {}, c.title), h('p', { class: 'hint', id: hintId }, selectionHint(c)), ...inputs);
  });
}
