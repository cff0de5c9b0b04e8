/** Tiny DOM helpers: elements are built with textContent (never innerHTML), so server data cannot inject markup. */
export type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | boolean | number | undefined | null | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Child | Child[]>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v as EventListener);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Array<Child | Child[]>): void {
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
}

/** Replaces the content of the page's main region and moves keyboard focus to its first heading. */
export function render(...children: Array<Child | Child[]>): void {
  const main = document.getElementById('app')!;
  main.replaceChildren();
  append(main, children);
  const heading = main.querySelector('h2, h1') as HTMLElement | null;
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

export function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** Saves `text` as a file named `name` (a click on a temporary object-URL link). */
export function downloadFile(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  // After the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
