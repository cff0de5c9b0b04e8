/**
 * "What happened and what next", for the error page and the booth's own refusals (a malformed or unknown
 * election, an expired session): one wording per reason, from the catalog (`problem.<reason>.*`).
 */
import { loginHref, t, type MessageKey } from '../i18n';
import { h } from './dom';

const LOGIN_REASONS = ['login_cancelled', 'login_failed', 'login_state_missing', 'login_acr', 'claims_invalid', 'session_expired'];
const KNOWN = [...LOGIN_REASONS, 'step_up_acr', 'step_up_subject_mismatch', 'step_up_session_mismatch', 'step_up_not_fresh', 'not_found', 'unavailable', 'election_malformed', 'election_unknown', 'unknown'];

/** Only a same-origin path may be the next step (the query is anyone's to write). */
const safePath = (p: string | null): string | undefined => (p && /^\/(?![/\\])[\x21-\x7e]*$/.test(p) ? p : undefined);

export function problemView(rawReason: string, rawNext: string | null) {
  const reason = KNOWN.includes(rawReason) ? rawReason : 'unknown';
  const next = safePath(rawNext) ?? '/booth/';
  const actions = [];
  // A failed login is retried by logging in again, back to where it started; anything else goes back.
  if (LOGIN_REASONS.includes(reason)) actions.push(h('a', { class: 'button primary', id: 'problem-retry', href: loginHref(next) }, t('problem.retry')));
  if (reason === 'not_found' || reason === 'election_malformed' || reason === 'election_unknown') actions.push(h('a', { class: 'button primary', id: 'problem-list', href: '/booth/' }, t('problem.electionList')));
  else actions.push(h('a', { class: 'button', id: 'problem-back', href: next }, t('problem.back')));
  return [
    h('h2', { id: 'problem', 'data-reason': reason }, t(`problem.${reason}.title` as MessageKey)),
    h('p', { id: 'problem-text' }, t(`problem.${reason}.text` as MessageKey)),
    h('div', { class: 'actions' }, ...actions),
  ];
}
