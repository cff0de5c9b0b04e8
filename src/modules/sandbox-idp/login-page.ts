import { isCrowdIdentity, type SandboxIdentity } from './identities';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface LoginPageInput {
  uid: string;
  clientId: string;
  advanced: boolean;
  bindingMessage: string | null;
  scopes: string[];
  identities: readonly SandboxIdentity[];
  /** The key of the identity to preselect (default: the first). */
  selected?: string;
  error?: string;
}

/**
 * The sandbox's "itsme app": pick a test identity and approve. For an acr_advanced request the action
 * message is shown and a "confirm" box must be ticked (otherwise the approval is only acr_basic); Approve
 * stays disabled until it is (CONFIRM_SCRIPT, served from our origin: the CSP is script-src 'self').
 */
export function renderLoginPage(p: LoginPageInput): string {
  const rows = p.identities
    .filter((i) => !isCrowdIdentity(i))
    .map(
      (i, n) => `<label class="id"><input type="radio" name="identity" value="${esc(i.key)}"${(p.selected ? i.key === p.selected : n === 0) ? ' checked' : ''} required>
  <b>${esc(i.label)}</b> <span class="meta">born ${esc(i.birthdate)}${i.birthdateClaim === 'birthdate_as_string' ? ' (as string)' : ''} · ${esc(i.citizenship)}${i.citizenshipIso ? ` (ISO ${esc(i.citizenshipIso)})` : ''} · ${esc(i.address.locality)} · ${i.document === 'foreign' ? 'foreign document: no NN sent' : `NN ${esc(i.nationalNumber)}`}</span>
  <span class="note">${esc(i.note)}</span></label>`,
    )
    .join('\n');
  const confirm = p.advanced
    ? `<fieldset class="confirm"><legend>Confirmation requested (acr_advanced)</legend>
  <p class="msg">${esc(p.bindingMessage ?? 'Confirm your identity')}</p>
  <label><input type="checkbox" name="confirm" value="yes"> I confirm this action</label>
  <p class="hint">Without this box ticked the approval only reaches acr_basic, and the platform refuses the confirmation.</p></fieldset>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox identity provider</title>
<style>
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d1d1b}
h1{font-size:1.4rem}.banner{background:#ff4612;color:#fff;padding:.5rem 1rem;border-radius:.5rem}
.id{display:block;border:1px solid #ccc;border-radius:.5rem;padding:.5rem .75rem;margin:.4rem 0}
.meta{color:#555;font-size:.9rem}.note{display:block;color:#777;font-size:.85rem;margin-left:1.6rem}
.confirm{border:2px solid #ff4612;border-radius:.5rem;margin:1rem 0}.msg{font-weight:bold}.hint{font-size:.85rem;color:#555}
.error{color:#b00020}button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}
</style></head><body>
<p class="banner">SANDBOX: fake identities for development and tests, not itsme.</p>
<h1>Log in to ${esc(p.clientId)}</h1>
<p>Requested: ${p.scopes.map(esc).join(', ')} · assurance ${p.advanced ? 'advanced' : 'basic'}</p>
${p.error ? `<p class="error">${esc(p.error)}</p>` : ''}
<form method="post" action="/sandbox-idp/interaction/${esc(p.uid)}">
${rows}
${confirm}
<p><button type="submit" name="decision" value="approve"${p.advanced ? ' disabled' : ''}>Approve</button>
<button type="submit" name="decision" value="deny" formnovalidate>Cancel</button></p>
</form>${p.advanced ? '<script src="/sandbox-idp/interaction/assets/confirm.js"></script>' : ''}</body></html>`;
}

/** Enables Approve while the confirm box is ticked (the server still decides: unticked means acr_basic). */
export const CONFIRM_SCRIPT = `const box = document.querySelector('input[name="confirm"]');
const approve = document.querySelector('button[value="approve"]');
if (box && approve) { const sync = () => { approve.disabled = !box.checked; }; box.addEventListener('change', sync); sync(); }
`;
