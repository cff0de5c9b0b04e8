/**
 * Optional faster implementations of the two signature verifications the pure-TypeScript reference does
 * slowly: RSASSA-PSS (token signatures, a 3072-bit modular exponentiation in BigInt) and Ed25519 (pseudonym
 * signatures). A host that has them (Node: node:crypto, see src/parallel/node-accelerators.ts) installs them
 * once; the browser booth and verifier do without.
 *
 * They are used as a POSITIVE fast path only: when an accelerator says "valid" the signature is valid under
 * the reference rules too (argued at each use), and when it says "invalid" or throws, the reference code
 * decides. So the verdicts are the reference's on every input; only valid signatures get faster.
 */
import type { RsaPublicKey } from './tokens/rsa-key';

export interface VerificationAccelerators {
  /** RSASSA-PSS (RFC 8017 §8.1.2) with SHA-384, MGF1-SHA-384 and exactly `saltLength`: true only if valid. */
  readonly rsaPssSha384?: (publicKey: RsaPublicKey, message: Uint8Array, signature: Uint8Array, saltLength: number) => boolean;
  /**
   * RFC 8032 Ed25519 verification with S < ℓ enforced and the cofactorless check encode([S]B − [k]A) = R:
   * true only if valid.
   */
  readonly ed25519?: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;
}

let installed: VerificationAccelerators = {};

/** Replaces the installed accelerators (an empty object removes them). */
export function installVerificationAccelerators(a: VerificationAccelerators): void {
  installed = Object.freeze({ ...a });
}

/** The installed accelerators. */
export function verificationAccelerators(): VerificationAccelerators {
  return installed;
}

/** True only when the accelerator exists and says valid; never throws. */
export function acceleratedTrue(f: (() => boolean) | undefined): boolean {
  if (!f) return false;
  try {
    return f() === true;
  } catch {
    return false;
  }
}
