import { h, render } from './common/dom';
import { initPage, t } from './i18n';

function draw(): void {
  render(
    h('h2', {}, t('landing.title')),
    h('p', {}, t('landing.intro')),
    h(
      'ul',
      { class: 'list' },
      h('li', {}, h('a', { href: '/booth/', id: 'to-booth' }, t('landing.booth'))),
      h('li', {}, h('a', { href: '/console/', id: 'to-console' }, t('landing.console'))),
      h('li', {}, h('a', { href: '/observer/', id: 'to-observer' }, t('landing.observer'))),
    ),
  );
}
initPage('landing.title', draw);
draw();
