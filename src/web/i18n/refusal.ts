/**
 * A server's refusal in the page's language, by its `error` code (`error.code.<code>` in the catalogs).
 * The server's own (English) message is shown only for a code the page does not know, once, as a detail
 * line under the generic text. Pure (no DOM), so Node can check it against the codes the server throws.
 */
import { de } from './de';
import { en, type MessageKey, type Messages } from './en';
import { formatMessage } from './format';
import { fr } from './fr';
import { nl } from './nl';

const CATALOGS: Record<'nl' | 'fr' | 'de' | 'en', Messages> = { nl, fr, de, en };
type Lang = keyof typeof CATALOGS;

/** One refusal an error carries: the server's code (absent for a failure of this device's own) and message. */
export interface Refusal {
  code?: string;
  message: string;
}

/** The catalog key of a refusal code, when the pages know it. */
export function refusalKey(code: string | undefined): MessageKey | undefined {
  const key = `error.code.${code ?? ''}`;
  return code && /^[a-z0-9_]+$/.test(code) && key in en ? (key as MessageKey) : undefined;
}

const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/**
 * The refusals in `e`, read by shape: an API answer (`status` and `body: { error, message }`, ApiError), a
 * server's refusal seen by the voter client (`code`, `serverMessage`: ServerRefusal), too few issuer
 * signatures (`refused: [{ code?, reason }]`: TokenRefusedError), or any other error (its message).
 */
export function refusalsOf(e: unknown): Refusal[] {
  if (typeof e !== 'object' || e === null) return [{ message: String(e) }];
  const x = e as { status?: unknown; body?: { error?: unknown; message?: unknown } | null; code?: unknown; serverMessage?: unknown; refused?: unknown; message?: unknown };
  if (Array.isArray(x.refused) && x.refused.length > 0) {
    return x.refused.map((r: { code?: unknown; reason?: unknown }) => ({ code: str(r.code), message: str(r.reason) ?? '' }));
  }
  if (typeof x.status === 'number' && 'body' in x) {
    return [{ code: str(x.body?.error), message: str(x.body?.message) ?? str(x.message) ?? `HTTP ${x.status}` }];
  }
  if (typeof x.serverMessage === 'string') return [{ code: str(x.code), message: x.serverMessage }];
  return [{ message: str(x.message) ?? String(e) }];
}

export interface RefusalText {
  /** The refusals the page words itself, each once, in `lang`, with their codes. */
  known: Array<{ code: string; text: string }>;
  /** When some refusal has no known code: the generic text, then each such message once. */
  generic?: { text: string; details: string[] };
}

/** What to show for `e` in `lang`; `genericKey` is the page's words for a refusal it does not know. */
export function describeRefusal(e: unknown, lang: Lang, genericKey: MessageKey): RefusalText {
  const known: RefusalText['known'] = [];
  const details: string[] = [];
  for (const r of refusalsOf(e)) {
    const key = refusalKey(r.code);
    if (key) {
      if (!known.some((k) => k.code === r.code)) known.push({ code: r.code!, text: formatMessage(CATALOGS[lang][key] ?? en[key], {}, lang) });
    } else if (!details.includes(r.message)) details.push(r.message);
  }
  const generic = known.length === 0 || details.length > 0 ? { text: formatMessage(CATALOGS[lang][genericKey] ?? en[genericKey], {}, lang), details: details.filter((d) => d !== '') } : undefined;
  return generic ? { known, generic } : { known };
}

/**
 * Why the voter may not vote, in `lang`: the reason's code with its parameters; for a code the page does
 * not know, its rule's general text (never followed by the server's English, which says the same); for an
 * unknown rule too, the generic text and the server's message, once.
 */
export function eligibilityReasonText(r: { rule: string; code?: string; params?: Record<string, string | number>; message: string }, lang: Lang): string {
  const catalog = CATALOGS[lang] as Record<string, string>;
  const known = (key: string) => (/^reason\.[a-z_]+$/.test(key) && key in en ? key : undefined);
  const key = known(`reason.${r.code ?? ''}`) ?? known(`reason.${r.rule}`);
  if (key) return formatMessage(catalog[key], r.params ?? {}, lang);
  return `${formatMessage(catalog['error.refused'], {}, lang)} ${r.message}`;
}
