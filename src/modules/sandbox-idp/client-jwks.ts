import type Provider from 'oidc-provider';
import type { JWK } from 'jose';

/**
 * The sandbox's cache of the relying party's JWKS, as itsme keeps one: fetched from the client's
 * `jwks_uri` on first use, then kept for the `max-age` the relying party serves it with (oidc-provider
 * honours Cache-Control and Expires, at least 60 s), never per login. A key the relying party adds is
 * therefore unknown to the sandbox until the cache expires, and a key it removes is still used until
 * then: exactly the window a rotation must survive (docs/identity.md, "Rotating the relying party's keys").
 *
 * `refresh()` ends the wait, like itsme's cache expiring: tests rotate keys without waiting 30 minutes.
 */
export class SandboxClientJwks {
  constructor(
    private readonly provider: Provider,
    private readonly clientId: string,
  ) {}

  /** The key ids of the relying party's JWKS as the sandbox holds them now (empty before the first fetch). */
  async cachedKids(use?: 'sig' | 'enc'): Promise<string[]> {
    const store = await this.store();
    return [...store].filter((k) => use === undefined || k.use === use).map((k) => String(k.kid));
  }

  /** Drops the cached copy and fetches the relying party's JWKS again. */
  async refresh(): Promise<void> {
    const store = await this.store();
    store.freshUntil = 0;
    await store.refresh();
  }

  private async store(): Promise<ClientKeyStore> {
    const client = await this.provider.Client.find(this.clientId);
    if (!client) throw new Error(`the sandbox has no client ${this.clientId}`);
    return (client as unknown as { asymmetricKeyStore: ClientKeyStore }).asymmetricKeyStore;
  }
}

/** The parts of oidc-provider's ClientKeyStore (lib/models/client.js) used here. */
interface ClientKeyStore extends Iterable<JWK> {
  freshUntil?: number;
  refresh(): Promise<void>;
}
