import { isCrowdIdentity, type SandboxIdentity } from './identities';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The languages of itsme's own pages; the sandbox's page comes in the same four. */
export const SANDBOX_LANGS = ['nl', 'fr', 'de', 'en'] as const;
export type SandboxLang = (typeof SANDBOX_LANGS)[number];

/** The first language of `ui_locales` (space-separated BCP 47 tags, e.g. "fr-BE nl") that the page has; else English. */
export function pageLanguage(uiLocales: string | undefined): SandboxLang {
  for (const tag of (uiLocales ?? '').split(' ')) {
    const base = tag.trim().toLowerCase().split('-')[0];
    const found = SANDBOX_LANGS.find((l) => l === base);
    if (found) return found;
  }
  return 'en';
}

const TEXTS = {
  en: {
    title: 'Sandbox identity provider',
    banner: 'SANDBOX: fake identities for development and tests, not itsme.',
    heading: 'Log in to {client}',
    requested: 'Requested: {scopes} · assurance {level}',
    advanced: 'advanced',
    basic: 'basic',
    born: 'born {date}',
    asString: '(as string)',
    foreign: 'foreign document: no NN sent',
    legend: 'Confirmation requested (acr_advanced)',
    confirmDefault: 'Confirm your identity',
    confirm: 'I confirm this action',
    hint: 'Without this box ticked the approval only reaches acr_basic, and the platform refuses the confirmation.',
    approve: 'Approve',
    cancel: 'Cancel',
    pick: 'Pick one of the test identities',
    notYou: 'This confirmation was asked of another person (its sub): only they can approve it.',
  },
  nl: {
    title: 'Sandbox-identiteitsprovider',
    banner: 'SANDBOX: nepidentiteiten voor ontwikkeling en tests, niet itsme.',
    heading: 'Aanmelden bij {client}',
    requested: 'Gevraagd: {scopes} · zekerheidsniveau {level}',
    advanced: 'geavanceerd',
    basic: 'basis',
    born: 'geboren {date}',
    asString: '(als tekst)',
    foreign: 'buitenlands document: geen rijksregisternummer verstuurd',
    legend: 'Bevestiging gevraagd (acr_advanced)',
    confirmDefault: 'Bevestig uw identiteit',
    confirm: 'Ik bevestig deze handeling',
    hint: 'Zonder dit vakje aangevinkt bereikt de goedkeuring alleen acr_basic, en weigert het platform de bevestiging.',
    approve: 'Goedkeuren',
    cancel: 'Annuleren',
    pick: 'Kies een van de testidentiteiten',
    notYou: 'Deze bevestiging werd aan een andere persoon gevraagd (haar sub): alleen die kan ze goedkeuren.',
  },
  fr: {
    title: "Fournisseur d'identité de test",
    banner: 'BAC À SABLE : identités fictives pour le développement et les tests, pas itsme.',
    heading: 'Se connecter à {client}',
    requested: 'Demandé : {scopes} · niveau de garantie {level}',
    advanced: 'avancé',
    basic: 'de base',
    born: 'né(e) le {date}',
    asString: '(en texte)',
    foreign: 'document étranger : aucun numéro de registre national envoyé',
    legend: 'Confirmation demandée (acr_advanced)',
    confirmDefault: 'Confirmez votre identité',
    confirm: 'Je confirme cette action',
    hint: "Sans cette case cochée, l'approbation n'atteint que acr_basic, et la plateforme refuse la confirmation.",
    approve: 'Approuver',
    cancel: 'Annuler',
    pick: "Choisissez l'une des identités de test",
    notYou: "Cette confirmation a été demandée à une autre personne (son sub) : elle seule peut l'approuver.",
  },
  de: {
    title: 'Test-Identitätsanbieter',
    banner: 'SANDBOX: erfundene Identitäten für Entwicklung und Tests, nicht itsme.',
    heading: 'Bei {client} anmelden',
    requested: 'Angefordert: {scopes} · Vertrauensniveau {level}',
    advanced: 'erweitert',
    basic: 'einfach',
    born: 'geboren am {date}',
    asString: '(als Text)',
    foreign: 'ausländisches Dokument: keine Nationalregisternummer gesendet',
    legend: 'Bestätigung angefordert (acr_advanced)',
    confirmDefault: 'Bestätigen Sie Ihre Identität',
    confirm: 'Ich bestätige diese Handlung',
    hint: 'Ohne dieses Häkchen erreicht die Zustimmung nur acr_basic, und die Plattform lehnt die Bestätigung ab.',
    approve: 'Zustimmen',
    cancel: 'Abbrechen',
    pick: 'Wählen Sie eine der Testidentitäten',
    notYou: 'Diese Bestätigung wurde einer anderen Person abverlangt (ihr sub): nur sie kann zustimmen.',
  },
} as const satisfies Record<SandboxLang, Record<string, string>>;

export type SandboxTextKey = keyof (typeof TEXTS)['en'];
export const SANDBOX_TEXTS: Record<SandboxLang, Record<SandboxTextKey, string>> = TEXTS;

const fill = (text: string, vars: Record<string, string>) => text.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);

export interface LoginPageInput {
  uid: string;
  clientId: string;
  advanced: boolean;
  /** The text of itsme's free_text template a confirmation shows (claim_approval_text_key), or null. */
  approvalText: string | null;
  scopes: string[];
  identities: readonly SandboxIdentity[];
  /** The key of the identity to preselect (default: the first). */
  selected?: string;
  /** What to tell the user above the form (a text of the page's own, in its language). */
  error?: SandboxTextKey;
  /** The request's `ui_locales`: the page speaks the first of nl, fr, de, en it names (default en). */
  uiLocales?: string;
}

/**
 * The sandbox's "itsme app": pick a test identity and approve. For an acr_advanced request the action
 * message is shown and a "confirm" box must be ticked (otherwise the approval is only acr_basic); Approve
 * stays disabled until it is (CONFIRM_SCRIPT, served from our origin: the CSP is script-src 'self').
 */
export function renderLoginPage(p: LoginPageInput): string {
  const lang = pageLanguage(p.uiLocales);
  const tx = SANDBOX_TEXTS[lang];
  const rows = p.identities
    .filter((i) => !isCrowdIdentity(i))
    .map(
      (i, n) => `<label class="id"><input type="radio" name="identity" value="${esc(i.key)}"${(p.selected ? i.key === p.selected : n === 0) ? ' checked' : ''} required>
  <b>${esc(i.label)}</b> <span class="meta">${esc(fill(tx.born, { date: i.birthdate }))}${i.birthdateClaim === 'birthdate_as_string' ? ` ${esc(tx.asString)}` : ''} · ${esc(i.citizenship)}${i.citizenshipIso ? ` (ISO ${esc(i.citizenshipIso)})` : ''} · ${esc(i.address.locality)} · ${i.document === 'foreign' ? esc(tx.foreign) : `NN ${esc(i.nationalNumber)}`}</span>
  <span class="note">${esc(i.note)}</span></label>`,
    )
    .join('\n');
  const confirm = p.advanced
    ? `<fieldset class="confirm"><legend>${esc(tx.legend)}</legend>
  <p class="msg">${esc(p.approvalText ?? tx.confirmDefault)}</p>
  <label><input type="checkbox" name="confirm" value="yes"> ${esc(tx.confirm)}</label>
  <p class="hint">${esc(tx.hint)}</p></fieldset>`
    : '';
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(tx.title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d1d1b}
h1{font-size:1.4rem}.banner{background:#ff4612;color:#fff;padding:.5rem 1rem;border-radius:.5rem}
.id{display:block;border:1px solid #ccc;border-radius:.5rem;padding:.5rem .75rem;margin:.4rem 0}
.meta{color:#555;font-size:.9rem}.note{display:block;color:#777;font-size:.85rem;margin-left:1.6rem}
.confirm{border:2px solid #ff4612;border-radius:.5rem;margin:1rem 0}.msg{font-weight:bold}.hint{font-size:.85rem;color:#555}
.error{color:#b00020}button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}
</style></head><body>
<p class="banner">${esc(tx.banner)}</p>
<h1>${esc(fill(tx.heading, { client: p.clientId }))}</h1>
<p>${esc(fill(tx.requested, { scopes: p.scopes.join(', '), level: p.advanced ? tx.advanced : tx.basic }))}</p>
${p.error ? `<p class="error">${esc(tx[p.error])}</p>` : ''}
<form method="post" action="/sandbox-idp/interaction/${esc(p.uid)}">
${rows}
${confirm}
<p><button type="submit" name="decision" value="approve"${p.advanced ? ' disabled' : ''}>${esc(tx.approve)}</button>
<button type="submit" name="decision" value="deny" formnovalidate>${esc(tx.cancel)}</button></p>
</form>${p.advanced ? '<script src="/sandbox-idp/interaction/assets/confirm.js"></script>' : ''}</body></html>`;
}

/** Enables Approve while the confirm box is ticked (the server still decides: unticked means acr_basic). */
export const CONFIRM_SCRIPT = `const box = document.querySelector('input[name="confirm"]');
const approve = document.querySelector('button[value="approve"]');
if (box && approve) { const sync = () => { approve.disabled = !box.checked; }; box.addEventListener('change', sync); sync(); }
`;
