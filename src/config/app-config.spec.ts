import { ConfigurationError, loadConfig } from './app-config';

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigurationError) return e.message;
    throw e;
  }
  throw new Error('configuration was accepted');
}

describe('loadConfig', () => {
  it('gives working defaults: embedded database, port 3000', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.usesEmbeddedDatabase).toBe(true);
    // The URL `npm start` prints (issue 18: one origin), and the loopback's other names for the login.
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.publicOrigins).toEqual(['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']);
    expect(loadConfig({ HOST: '0.0.0.0' }).publicUrl).toBe('http://0.0.0.0:3000');
    // A configured PUBLIC_URL is the one origin.
    expect(loadConfig({ PUBLIC_URL: 'https://vote.example.be/' }).publicOrigins).toEqual(['https://vote.example.be']);
  });

  it('accepts a login without acr or auth_time by default (itsme does not document them in the ID token)', () => {
    expect(loadConfig({}).OIDC_ACR_AUTH_TIME_MISSING).toBe('accept_at_login');
    expect(loadConfig({ OIDC_ACR_AUTH_TIME_MISSING: 'refuse' }).OIDC_ACR_AUTH_TIME_MISSING).toBe('refuse');
  });

  it('converts and keeps valid values', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u@db:5432/evote', BODY_LIMIT_BYTES: '4096', API_DOCS: 'false' });
    expect(c).toMatchObject({ PORT: 8080, BODY_LIMIT_BYTES: 4096, API_DOCS: false, usesEmbeddedDatabase: false });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be an integer between 0 and 65535 \(got "eighty"\)/],
    [{ PORT: '70000' }, /PORT must be an integer/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\//],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ BODY_LIMIT_BYTES: '10' }, /BODY_LIMIT_BYTES must be an integer/],
    [{ PUBLIC_URL: 'not a url' }, /PUBLIC_URL must be an absolute http\(s\) URL/],
    [{ API_DOCS: 'maybe' }, /API_DOCS must be true or false/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV must be one of/],
    [{ OIDC_ACR_AUTH_TIME_MISSING: 'accept' }, /OIDC_ACR_AUTH_TIME_MISSING must be accept_at_login or refuse/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(problems(env as Record<string, string>)).toMatch(message);
  });

  it('lists every bad variable at once', () => {
    const m = problems({ PORT: 'x', LOG_LEVEL: 'y' });
    expect(m).toMatch(/PORT/);
    expect(m).toMatch(/LOG_LEVEL/);
  });

  it('never echoes a database password', () => {
    expect(problems({ DATABASE_URL: 'postgres://u:hunter2@db/x', PORT: 'x' })).not.toMatch(/hunter2/);
    expect(problems({ DATABASE_URL: 'mysql://u:hunter2@db/x' })).not.toMatch(/hunter2/);
  });
});
