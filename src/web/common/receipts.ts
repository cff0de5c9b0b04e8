/**
 * Receipt files on the pages (docs/protocol.md §55.7): saving one (download, print, copy the code), and
 * telling a person plainly what a check of it against the board found (src/client/receipt-check.ts).
 * Shared by the booth and the observers' page, so both say the same thing about the same evidence.
 */
import type { ReceiptOnBoard } from '../../client/receipt-check';
import type { ReceiptFile } from '../../crypto/record/receipt-file';
import { t } from '../i18n';
import { downloadFile, h } from './dom';

/** The file name the booth saves a receipt under. */
export const receiptFileName = (r: ReceiptFile): string => `receipt-${r.trackingCode}.json`;

/** Saves the receipt file: exactly the JSON that `evote verify --receipt` and the observers' page read. */
export function downloadReceipt(r: ReceiptFile): void {
  downloadFile(receiptFileName(r), 'application/json', JSON.stringify(r, null, 2));
}

/** The tracking code, selectable as one piece, with a copy button. */
export function trackingCodeBlock(code: string, id: string) {
  const codeEl = h('span', { class: 'code selectable', id }, code);
  const done = h('span', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const copy = h('button', {
    type: 'button',
    class: 'no-print',
    'data-copy': id,
    onclick: () => {
      const selectIt = () => {
        const range = document.createRange();
        range.selectNodeContents(codeEl);
        getSelection()?.removeAllRanges();
        getSelection()?.addRange(range);
      };
      // The clipboard API needs a secure context and permission; otherwise the code is selected for Ctrl+C.
      (navigator.clipboard?.writeText(code) ?? Promise.reject(new Error('no clipboard'))).then(
        () => (done.textContent = t('receipt.copied')),
        () => selectIt(),
      );
    },
  }, t('receipt.copy'));
  return h('p', {}, codeEl, ' ', copy, ' ', done);
}

/** Download and print buttons for a receipt. */
export function receiptButtons(r: ReceiptFile, idSuffix = '') {
  return [
    h('button', { type: 'button', class: 'no-print', id: `download-receipt${idSuffix}`, 'data-code': r.trackingCode, onclick: () => downloadReceipt(r) }, t('receipt.download')),
    h('button', { type: 'button', class: 'no-print', id: `print-receipt${idSuffix}`, onclick: () => window.print() }, t('receipt.print')),
  ];
}

/** The plain verdicts, as `data-verdict` (tests and assistive styles key on them). */
export type Verdict = 'counted' | 'superseded' | 'not-tallied' | 'on-board' | 'audited' | 'not-counted' | 'rewritten' | 'unproven';

export function verdictOf(r: ReceiptOnBoard): Verdict {
  if (!r.ok) return r.fork || r.current ? 'rewritten' : 'unproven';
  if (!r.count) return 'on-board';
  return r.count.status;
}

/**
 * What a check of `receipt` against the board means, in words. `codeOfSeq` names the voter's later ballot
 * (from the receipts at hand) when this one was replaced. An alert for anything the voter must act on:
 * the failures, the signed evidence for a rewritten board, and what to do with it.
 */
export function onBoardVerdict(receipt: ReceiptFile, r: ReceiptOnBoard, codeOfSeq: (seq: number) => string | undefined) {
  const v = verdictOf(r);
  const plain = (text: string) => h('p', { class: 'ok verdict', 'data-verdict': v }, `✓ ${text}`);
  switch (v) {
    case 'counted':
      return plain(t('receipt.verdict.counted'));
    case 'superseded': {
      const by = r.count?.status === 'superseded' ? r.count.by : -1;
      return plain(t('receipt.verdict.superseded', { code: codeOfSeq(by) ?? `#${by}` }));
    }
    case 'not-tallied':
      return plain(t('receipt.verdict.notTallied'));
    case 'on-board':
      return plain(t('receipt.verdict.onBoard', { size: r.head?.size ?? '?' }));
    case 'audited':
      return h('p', { class: 'verdict', 'data-verdict': v }, t('receipt.verdict.audited'));
  }
  const title = v === 'not-counted' ? 'receipt.verdict.notCounted' : v === 'rewritten' ? 'receipt.verdict.rewritten' : 'receipt.verdict.unproven';
  // The two signed heads that cannot both be honest: the receipt's and the board's current one (or the fork's).
  const evidence = r.fork ? { size: r.fork.size, receiptHead: r.fork.a, boardHead: r.fork.b } : r.current ? { receiptHead: receipt.head, boardHead: r.current } : undefined;
  return h(
    'div',
    { class: 'refused verdict', role: 'alert', 'data-verdict': v },
    h('p', {}, h('strong', {}, t(title))),
    r.failures.length ? h('ul', {}, ...r.failures.map((f) => h('li', { class: 'detail' }, f))) : null,
    evidence ? [h('p', {}, t('receipt.evidence')), h('pre', { class: 'evidence mono' }, JSON.stringify({ electionId: receipt.electionId, trackingCode: receipt.trackingCode, ...evidence }, null, 2))] : null,
    v === 'not-counted' ? h('p', {}, t('receipt.notCounted.laterVote')) : null,
    h('p', {}, t('receipt.whatToDo')),
  );
}

/** The receipts among `all` of the same voter cast after `r` (a device's own, or files sharing its pseudonym). */
export const laterReceipts = (r: ReceiptFile, all: readonly ReceiptFile[]): ReceiptFile[] => all.filter((x) => !x.audited && x.seq > r.seq);
