import { de } from './de';
import { en } from './en';
import { formatMessage } from './format';
import { fr } from './fr';
import { nl } from './nl';

const CATALOGS = { nl, fr, de, en } as const;

/** The variable names a message uses, plural or plain. */
function variables(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\s*(\w+)\s*(?:,\s*plural\s*,|\})/g)].map((m) => m[1]))].sort();
}

describe('catalog messages', () => {
  it('plural choices follow the language: "1 ballot · 1 voter", "2 ballots · 1 voter" (not "1 voters")', () => {
    const text = en['console.turnout.figures'];
    expect(formatMessage(text, { ballots: 1, voters: 1 }, 'en')).toBe('1 ballot · 1 voter');
    expect(formatMessage(text, { ballots: 2, voters: 1 }, 'en')).toBe('2 ballots · 1 voter');
    expect(formatMessage(text, { ballots: 0, voters: 0 }, 'en')).toBe('0 ballots · 0 voters');
    // French counts 0 and 1 as singular.
    expect(formatMessage(fr['console.turnout.figures'], { ballots: 0, voters: 1 }, 'fr')).toBe('0 bulletin · 1 électeur');
    expect(formatMessage(nl['console.turnout.figures'], { ballots: 3, voters: 1 }, 'nl')).toBe('3 stemmen · 1 kiezer');
  });

  it('plain placeholders, exact matches and nested placeholders; a missing value stays visible', () => {
    expect(formatMessage('{a} and {b}', { a: 'x' }, 'en')).toBe('x and {b}');
    expect(formatMessage('{n, plural, =0 {none} one {# of {who}} other {# of {who}}}', { n: 0, who: 'us' }, 'en')).toBe('none');
    expect(formatMessage('{n, plural, =0 {none} one {# of {who}} other {# of {who}}}', { n: 5, who: 'us' }, 'en')).toBe('5 of us');
    expect(formatMessage('{n, plural, one {#} other {#s}}', {}, 'en')).toBe('{n}');
    expect(formatMessage('unbalanced {n', { n: 1 }, 'en')).toBe('unbalanced {n');
  });

  it('every catalog has the same keys, and each message the same variables as the English one', () => {
    const keys = Object.keys(en).sort();
    for (const [lang, catalog] of Object.entries(CATALOGS)) {
      expect({ lang, keys: Object.keys(catalog).sort() }).toEqual({ lang, keys });
      for (const k of keys) {
        expect({ lang, k, vars: variables((catalog as Record<string, string>)[k]) }).toEqual({ lang, k, vars: variables((en as Record<string, string>)[k]) });
      }
    }
  });
});
