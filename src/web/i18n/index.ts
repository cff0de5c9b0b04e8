/**
 * Message catalogs (nl, fr, de, en): every visible text comes from here. The language is the first of
 * navigator.languages we have, unless the user picked one (kept in localStorage); `?lang=` overrides both.
 */
import { de } from './de';
import { en, type MessageKey, type Messages } from './en';
import { fr } from './fr';
import { formatMessage } from './format';
import { nl } from './nl';

export const CATALOGS: Record<Lang, Messages> = { nl, fr, de, en };
export const LANGS = ['nl', 'fr', 'de', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export type { MessageKey };

const isLang = (x: string | null | undefined): x is Lang => !!x && (LANGS as readonly string[]).includes(x);

export function detectLanguage(): Lang {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (isLang(fromUrl)) return fromUrl;
  try {
    const saved = localStorage.getItem('evote.lang');
    if (isLang(saved)) return saved;
  } catch {
    /* storage may be disabled */
  }
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'en';
}

let current: Lang = 'en';
export const lang = (): Lang => current;

export function setLanguage(l: Lang): void {
  current = l;
  document.documentElement.lang = l;
  try {
    localStorage.setItem('evote.lang', l);
  } catch {
    /* ignore */
  }
}

/** The itsme login link back to `returnTo`, asking itsme for this page's language first (`lang`). */
export const loginHref = (returnTo: string): string => `/auth/login?returnTo=${encodeURIComponent(returnTo)}&lang=${current}`;

/** The message `key` in the current language, with `{name}` placeholders and plural choices filled from `vars`. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text: string = CATALOGS[current][key] ?? en[key] ?? key;
  return formatMessage(text, vars, current);
}

/** Sets up the page frame: language, the switcher in the header, the title; `rerender` redraws on a switch. */
export function initPage(titleKey: MessageKey, rerender: () => void): void {
  setLanguage(detectLanguage());
  const draw = () => {
    document.title = `${t(titleKey)} · ${t('app.name')}`;
    const header = document.getElementById('header')!;
    header.replaceChildren();
    const home = document.createElement('a');
    home.href = '/';
    home.className = 'brand';
    home.textContent = t('app.name');
    const h1 = document.createElement('h1');
    h1.textContent = t(titleKey);
    const label = document.createElement('label');
    label.className = 'lang';
    label.textContent = `${t('lang.label')} `;
    const select = document.createElement('select');
    select.id = 'lang-select';
    for (const l of LANGS) {
      const o = document.createElement('option');
      o.value = l;
      o.textContent = CATALOGS[l]['lang.name'];
      o.selected = l === current;
      select.append(o);
    }
    select.addEventListener('change', () => {
      setLanguage(select.value as Lang);
      draw();
      rerender();
    });
    label.append(select);
    header.append(home, h1, label);
  };
  draw();
}
