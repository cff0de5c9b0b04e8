/** A browser-like HTTP session for tests and benchmarks: a cookie jar and fetch without following redirects. */

export interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/** A minimal cookie jar (one host): honours Path, deletion by Max-Age=0 / past Expires. */
export class CookieJar {
  private cookies: StoredCookie[] = [];

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      let path = '/';
      let remove = value === '';
      for (const a of attrs) {
        const [k, v = ''] = a.split('=');
        if (k.toLowerCase() === 'path') path = v;
        if (k.toLowerCase() === 'max-age' && Number(v) <= 0) remove = true;
        if (k.toLowerCase() === 'expires' && Date.parse(v) < Date.now()) remove = true;
      }
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
      if (!remove) this.cookies.push({ name, value, path });
    }
  }

  header(url: string): string {
    const path = new URL(url).pathname;
    return this.cookies
      .filter((c) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  get(name: string): string | undefined {
    return this.cookies.find((c) => c.name === name)?.value;
  }

  raw(): StoredCookie[] {
    return [...this.cookies];
  }

  clone(): CookieJar {
    const j = new CookieJar();
    j.cookies = this.cookies.map((c) => ({ ...c }));
    return j;
  }
}

/** fetch without following redirects, sending and storing the jar's cookies. */
export async function go(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie) headers.set('cookie', cookie);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(res);
  return res;
}

export function location(res: Response, base: string): string {
  const l = res.headers.get('location');
  if (!l) throw new Error(`expected a redirect, got ${res.status}`);
  return new URL(l, base).href;
}

