/** Same-origin API calls. `credentials: 'omit'` for the anonymous steps (casting and auditing). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; message?: string; details?: unknown[] } | null,
  ) {
    super(body?.message ?? `HTTP ${status}`);
  }
}

export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  const res = await fetch(path, {
    credentials: 'same-origin',
    // The server's Referrer-Policy is no-referrer, under which browsers send `Origin: null`; the
    // cross-site request guard wants our own origin on cookie-carrying POSTs.
    referrerPolicy: 'same-origin',
    ...rest,
    headers: { accept: 'application/json', ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...(rest.headers ?? {}) },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, body as ApiError['body']);
  return body as T;
}

export interface Me {
  authenticated: boolean;
  roles: string[];
  /** Names this person's booth state on the device (an HMAC of the subject, never the subject itself). */
  deviceKey?: string;
  givenName?: string;
  familyName?: string;
}

export interface ElectionView {
  id: string;
  slug: string;
  title: string;
  status: string;
  kind: string;
  electionDay: string;
  constituency: string;
  revoting: string;
  /** Whether voting is compulsory in this election (the Belgian rule; not for Flemish local elections since 2024). */
  compulsoryVoting?: boolean;
  manifest: { contests: Array<{ id: string; title: string; kind: string; minSelections: number; maxSelections: number; blankAllowed: boolean; options: Array<{ id: string; title: string }> }> };
  setupHash: string | null;
  keySet: unknown;
  baseHash: string | null;
  issuerIds: string[];
  trusteeThreshold: number;
  trusteeCount: number;
}

export interface SignedHead {
  electionId: string;
  size: number;
  root: string;
  timestamp: number;
  signature: string;
}

export interface BoardEntry {
  seq: number;
  kind: string;
  entry: string;
  leafHash: string;
}

export const param = (name: string): string | null => new URLSearchParams(location.search).get(name);
