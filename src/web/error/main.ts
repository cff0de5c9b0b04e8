/**
 * The page a person lands on when something stopped them (src/common/http/problem-page.ts sends browsers
 * here instead of a JSON error): what happened, in their language, and the next step.
 */
import { render } from '../common/dom';
import { problemView } from '../common/problem';
import { initPage } from '../i18n';

const q = new URLSearchParams(location.search);
const draw = () => render(...problemView(q.get('reason') ?? 'unknown', q.get('next')));
initPage('problem.pageTitle', draw);
draw();

