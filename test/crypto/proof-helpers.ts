/** Helpers for the proof tests: single-field tampering and the "reject, never accept, only typed errors" check. */
import { CryptoError } from '../../src/crypto/errors';
import type { Group, GroupElement } from '../../src/crypto/group';
import type { ProofContext } from '../../src/crypto/proofs/common';

function isElement(group: Group, x: unknown): x is GroupElement {
  try {
    group.isIdentity(x as GroupElement);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every variant of `value` that differs in exactly one leaf: a group element P becomes P + G, a scalar s
 * becomes s + 1 mod ℓ, a number n becomes n + 1 (and n − 1 when n > 0). Recurses into arrays and plain objects.
 */
export function tamperVariants<T>(group: Group, value: T, path = ''): { path: string; value: T }[] {
  const v = value as unknown;
  if (typeof v === 'bigint') return [{ path, value: group.scalarAdd(v, 1n) as T }];
  if (typeof v === 'number') {
    const out = [{ path: `${path}+1`, value: (v + 1) as T }];
    if (v > 0) out.push({ path: `${path}-1`, value: (v - 1) as T });
    return out;
  }
  if (v instanceof Uint8Array) {
    const out: { path: string; value: T }[] = [];
    if (v.length > 0) {
      const c = v.slice();
      c[c.length - 1] ^= 1;
      out.push({ path: `${path}[flip]`, value: c as T });
    }
    const longer = new Uint8Array(v.length + 1);
    longer.set(v);
    out.push({ path: `${path}[append]`, value: longer as T });
    return out;
  }
  if (isElement(group, v)) return [{ path, value: group.add(v, group.generator) as T }];
  if (Array.isArray(v)) {
    return v.flatMap((x, i) =>
      tamperVariants(group, x, `${path}[${i}]`).map((t) => ({ path: t.path, value: v.map((y, j) => (j === i ? t.value : y)) as T })),
    );
  }
  if (typeof v === 'object' && v !== null) {
    return Object.entries(v).flatMap(([k, x]) =>
      tamperVariants(group, x, path ? `${path}.${k}` : k).map((t) => ({ path: t.path, value: { ...(v as object), [k]: t.value } as T })),
    );
  }
  throw new Error(`cannot tamper ${path}`);
}

/** The proof context variants: other election hash, other/extended context bytes, context added/removed. */
export function contextVariants(ctx: ProofContext): { path: string; value: ProofContext }[] {
  const out = tamperVariants<ProofContext>({} as Group, { electionHash: ctx.electionHash, context: ctx.context ?? new Uint8Array(0) });
  if (ctx.context && ctx.context.length > 0) out.push({ path: 'context removed', value: { electionHash: ctx.electionHash } });
  return out;
}

/** Runs a verifier: 'accept' | 'reject' (returned false) | 'typed-error' | 'untyped-error'. */
export function outcome(fn: () => boolean): 'accept' | 'reject' | 'typed-error' | 'untyped-error' {
  try {
    return fn() === true ? 'accept' : 'reject';
  } catch (e) {
    return e instanceof CryptoError ? 'typed-error' : 'untyped-error';
  }
}

/** Asserts that a verifier rejects: false or a CryptoError, never true, never another exception. */
export function expectRejects(fn: () => boolean, what: string): void {
  const o = outcome(fn);
  if (o !== 'reject' && o !== 'typed-error') throw new Error(`${what}: expected rejection, got ${o}`);
}

/** The CryptoError code `fn` throws ('UNTYPED' for any other exception), or undefined if it returns. */
export function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof CryptoError ? e.code : 'UNTYPED';
  }
  return undefined;
}
