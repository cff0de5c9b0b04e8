import { describeEachBackend } from '../../support/databases';
import { CookieJar, countRows, go, login, startIdentityApp, type IdentityTestApp } from './support';

describeEachBackend('identity: login with the sandbox identity provider', (db) => {
  let t: IdentityTestApp;
  beforeAll(async () => {
    t = await startIdentityApp(db());
  });
  afterAll(() => t?.close());

  it('logs in over real HTTP and creates one session', async () => {
    const jar = new CookieJar();
    const res = await login(t.url, jar, 'voter', '/after');
    const body = res.status === 303 ? '' : await res.text();
    expect({ status: res.status, body }).toEqual({ status: 303, body: '' });
    expect(res.headers.get('location')).toBe('/after');
    expect(jar.get('evote_session')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await countRows(t.db, 'identity_sessions')).toBe(1);
    const me = await (await go(jar, `${t.url}/auth/me`)).json();
    expect(me).toEqual(expect.objectContaining({ authenticated: true, roles: ['voter'], acr: 'http://itsme.services/v2/claim/acr_basic', givenName: 'Jan' }));
  });
});
