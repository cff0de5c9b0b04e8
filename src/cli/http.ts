/**
 * The CLI's HTTP client (Node's fetch): public GETs and trustee-signed POSTs (docs/protocol.md §35.1).
 */
import { utf8ToBytes } from '../crypto/encoding';
import { ristretto255Group as group } from '../crypto/group';
import { TRUSTEE_MEDIA_TYPE, trusteeAuthHeaders } from '../crypto/threshold/trustee-auth';

/** An error answer of the server: status and its `{ error, message, details }` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown[],
  ) {
    super(`${status} ${code}: ${message}${details && details.length ? ` (${details.map(String).join('; ')})` : ''}`);
  }
}

/** A trustee's signing identity for one election. */
export interface TrusteeSigner {
  readonly electionId: string;
  readonly trustee: number;
  readonly secretKey: bigint;
  /** The DKG setup hash (32 bytes), the election-hash slot of the signature. */
  readonly setupHash: Uint8Array;
}

export class ApiClient {
  readonly base: string;

  constructor(server: string) {
    const u = new URL(server);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--server must be an http(s) URL, not ${server}`);
    this.base = u.toString().replace(/\/+$/, '');
  }

  async get<T>(path: string): Promise<T> {
    const res = await fetch(this.base + path, { headers: { accept: 'application/json' } });
    return this.answer<T>(res);
  }

  /** POSTs `body` as JSON, signed by `signer` over the exact bytes sent. */
  async signedPost<T>(path: string, body: unknown, signer: TrusteeSigner): Promise<T> {
    const url = new URL(this.base + path);
    const text = JSON.stringify(body);
    const bytes = utf8ToBytes(text); // fetch sends exactly these bytes (UTF-8 of text)
    const headers = trusteeAuthHeaders(group, signer.setupHash, signer.secretKey, {
      electionId: signer.electionId,
      trustee: signer.trustee,
      method: 'POST',
      path: url.pathname + url.search,
      body: bytes,
    });
    const res = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': TRUSTEE_MEDIA_TYPE, accept: 'application/json' }, body: text });
    return this.answer<T>(res);
  }

  private async answer<T>(res: Response): Promise<T> {
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    if (!res.ok) {
      const e = (json ?? {}) as { error?: string; message?: string; details?: unknown[] };
      throw new ApiError(res.status, e.error ?? 'error', e.message ?? (text.slice(0, 200) || res.statusText), e.details);
    }
    return json as T;
  }
}
