/**
 * Typed errors of the cryptographic core. The core throws only these; the server maps them to 4xx,
 * verifiers turn them into failed checks. Each carries a stable machine-readable `code`.
 */
export type CryptoErrorCode =
  | 'ENCODING' // bytes/JSON not in the canonical form the protocol requires
  | 'INVALID_POINT' // not a valid group element, or the identity where it is not allowed
  | 'INVALID_SCALAR' // out of range [0, ℓ) (or zero where it is not allowed)
  | 'INVALID_PROOF' // a proof that is well formed but does not verify
  | 'INVALID_STATEMENT' // parameters of a statement are inconsistent (e.g. a > b in a range)
  | 'INVALID_SIGNATURE'
  | 'INVALID_MANIFEST'
  | 'INVALID_BALLOT'
  | 'DLOG_OUT_OF_RANGE'
  | 'THRESHOLD'; // not enough / duplicate shares, bad indices

export class CryptoError extends Error {
  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CryptoError';
  }
}

export function cryptoAssert(condition: unknown, code: CryptoErrorCode, message: string): asserts condition {
  if (!condition) throw new CryptoError(code, message);
}
