/** A refusal as page elements, in the page's language (describeRefusal); the server's message only for a code the page does not know. */
import { lang, type MessageKey } from '../i18n';
import { describeRefusal } from '../i18n/refusal';
import { h } from './dom';

export function refusalView(e: unknown, genericKey: MessageKey = 'error.refused') {
  const d = describeRefusal(e, lang(), genericKey);
  return [
    ...d.known.map((k) => h('p', { class: 'refusal', 'data-code': k.code }, k.text)),
    ...(d.generic ? [h('p', {}, d.generic.text), ...d.generic.details.map((m) => h('p', { class: 'detail' }, m))] : []),
  ];
}
