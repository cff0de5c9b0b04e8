import { t } from '../i18n';
import type { Me } from './api';
import { h } from './dom';

/** "Logged in as …" with a log out button: the same line in the booth and the console. */
export function whoAmILine(me: Me | undefined, logout: () => Promise<void>) {
  return h(
    'p',
    { class: 'whoami' },
    t('common.loggedInAs', { name: `${me?.givenName ?? ''} ${me?.familyName ?? ''}`.trim() }),
    ' ',
    h('button', { type: 'button', class: 'link', id: 'logout', onclick: () => void logout() }, t('common.logout')),
  );
}
