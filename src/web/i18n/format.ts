/**
 * Fills a catalog message: `{name}` placeholders, and plural choices in the ICU form
 * `{name, plural, one {# voter} other {# voters}}` chosen with Intl.PluralRules of the page's language
 * (`#` is the number). Unknown placeholders stay visible as `{name}` so a missing value shows in tests.
 * Pure (no DOM), so the catalogs can be checked in Node.
 */
export function formatMessage(text: string, vars: Record<string, string | number>, locale: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0) break;
    out += text.slice(i, open);
    const close = matchingBrace(text, open);
    if (close < 0) return out + text.slice(open); // unbalanced: shown as written
    out += placeholder(text.slice(open + 1, close), vars, locale);
    i = close + 1;
  }
  return out + text.slice(i);
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let j = open; j < text.length; j++) {
    if (text[j] === '{') depth++;
    else if (text[j] === '}' && --depth === 0) return j;
  }
  return -1;
}

function placeholder(body: string, vars: Record<string, string | number>, locale: string): string {
  const plural = /^\s*(\w+)\s*,\s*plural\s*,([\s\S]*)$/.exec(body);
  if (!plural) return body in vars ? String(vars[body]) : `{${body}}`;
  const [, name, rest] = plural;
  if (!(name in vars)) return `{${name}}`;
  const n = Number(vars[name]);
  const options = pluralOptions(rest);
  const choice = options.get(`=${n}`) ?? options.get(new Intl.PluralRules(locale).select(n)) ?? options.get('other') ?? '';
  return formatMessage(choice.replace(/#/g, String(n)), vars, locale);
}

/** `one {…} other {…}` → Map(one → …, other → …); nested braces inside an option are kept. */
function pluralOptions(rest: string): Map<string, string> {
  const options = new Map<string, string>();
  let i = 0;
  for (;;) {
    const key = /^\s*(=\d+|zero|one|two|few|many|other)\s*\{/.exec(rest.slice(i));
    if (!key) return options;
    const open = i + key[0].length - 1;
    const close = matchingBrace(rest, open);
    if (close < 0) return options;
    options.set(key[1], rest.slice(open + 1, close));
    i = close + 1;
  }
}
