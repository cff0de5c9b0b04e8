import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * The sandbox keeps its state (sessions, interactions, codes, grants) in memory on purpose: it is a
 * development and test stand-in for itsme, and a restart simply logs every tester out of it.
 * Expired entries are dropped when read and swept periodically.
 */
export function memoryAdapterFactory(): (name: string) => Adapter {
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [k, v] of store) if (v.expiresAt <= now) store.delete(k);
  }, 60_000);
  sweep.unref();

  return (name: string): Adapter => {
    const key = (id: string) => `${name}:${id}`;
    const read = (k: string): AdapterPayload | undefined => {
      const e = store.get(k);
      if (!e) return undefined;
      if (e.expiresAt <= Date.now()) {
        store.delete(k);
        return undefined;
      }
      return e.payload;
    };
    return {
      async upsert(id, payload, expiresIn) {
        store.set(key(id), { payload: { ...payload }, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Number.MAX_SAFE_INTEGER });
        if (payload.uid) store.set(`${name}:uid:${payload.uid}`, { payload: { id } as AdapterPayload, expiresAt: store.get(key(id))!.expiresAt });
        if (payload.grantId) {
          const g = `grant:${payload.grantId}`;
          const ids = (read(g)?.ids as string[] | undefined) ?? [];
          store.set(g, { payload: { ids: [...ids, key(id)] } as unknown as AdapterPayload, expiresAt: Number.MAX_SAFE_INTEGER });
        }
      },
      async find(id) {
        return read(key(id));
      },
      async findByUid(uid) {
        const ref = read(`${name}:uid:${uid}`);
        return ref ? read(key(String(ref.id))) : undefined;
      },
      async findByUserCode() {
        return undefined;
      },
      async consume(id) {
        const p = read(key(id));
        if (p) p.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        const g = `grant:${grantId}`;
        for (const k of (read(g)?.ids as string[] | undefined) ?? []) store.delete(k);
        store.delete(g);
      },
    };
  };
}
