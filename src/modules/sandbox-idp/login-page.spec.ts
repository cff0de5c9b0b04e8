import { SANDBOX_IDENTITIES } from './identities';
import { pageLanguage, renderLoginPage, SANDBOX_TEXTS } from './login-page';

const page = (uiLocales: string | undefined, advanced = false) =>
  renderLoginPage({ uid: 'u1', clientId: 'evote', advanced, approvalText: advanced ? 'Open the election X' : null, scopes: ['openid'], identities: SANDBOX_IDENTITIES, uiLocales });

describe('sandbox login page: the languages of itsme', () => {
  it('takes the first of ui_locales it has (region subtags dropped), English otherwise', () => {
    expect(pageLanguage('fr nl de en')).toBe('fr');
    expect(pageLanguage('fr-BE')).toBe('fr');
    expect(pageLanguage('es  DE-be nl')).toBe('de');
    expect(pageLanguage('es it')).toBe('en');
    expect(pageLanguage('')).toBe('en');
    expect(pageLanguage(undefined)).toBe('en');
  });

  it('renders in French for ui_locales=fr: <html lang="fr">, French texts, no English ones', () => {
    const fr = page('fr', true);
    expect(fr).toContain('<html lang="fr">');
    expect(fr).toContain('>Approuver</button>');
    expect(fr).toContain('Je confirme cette action');
    for (const english of Object.values(SANDBOX_TEXTS.en)) if (!/\{/.test(english) && /\s/.test(english)) expect(fr).not.toContain(english);
    // The form the tests and the provider read is the same in every language.
    expect(fr).toMatch(/<input type="radio" name="identity" value="voter"/);
    expect(fr).toContain('<input type="checkbox" name="confirm" value="yes">');
    expect(fr).toMatch(/<button type="submit" name="decision" value="approve" disabled>/);
    expect(fr).toContain('value="deny"');
  });

  it('every language has every text, and the same placeholders', () => {
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [lang, texts] of Object.entries(SANDBOX_TEXTS)) {
      expect({ lang, keys: Object.keys(texts).sort() }).toEqual({ lang, keys: Object.keys(SANDBOX_TEXTS.en).sort() });
      for (const [k, v] of Object.entries(texts)) expect({ lang, k, vars: vars(v) }).toEqual({ lang, k, vars: vars(SANDBOX_TEXTS.en[k as keyof typeof SANDBOX_TEXTS.en]) });
      expect(page(lang)).toContain(`<html lang="${lang}">`);
    }
    expect(page(undefined)).toContain('<html lang="en">');
  });
});
