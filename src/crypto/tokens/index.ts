// Public surface of the ballot-token layer (pure TypeScript: @noble/* and WebCrypto only).
// RFC 9474 RSABSSA-SHA384-PSS-Randomized client, issuer keys, ballot tokens, Ed25519 pseudonyms.
export { type RandomSource, webCryptoRandom } from './bytes';
export { toBase64Url, fromBase64Url, bytesToHex as toHex, hexToBytes as fromHex } from '../encoding';
export { modPow, modInverse, gcd, bitLength } from './bigint';
export {
  ISSUER_MODULUS_BITS,
  RSA_PUBLIC_EXPONENT,
  type IssuerPublicKeyJwk,
  type RsaPublicKey,
  type RsaKeyOptions,
  rsaPublicKey,
  parseIssuerPublicKeyJwk,
  issuerPublicKeyToJwk,
} from './rsa-key';
export {
  HASH_LENGTH,
  SALT_LENGTH,
  PREFIX_LENGTH,
  type PreparedMessage,
  type BlindResult,
  prepare,
  blind,
  finalize,
  verify,
  blindWithParameters,
  finalizeWithSaltLength,
  rsassaPssVerify,
  emsaPssEncode,
  emsaPssVerify,
  mgf1Sha384,
} from './rsabssa';
export {
  BALLOT_TOKEN_DOMAIN,
  BALLOT_TOKEN_VERSION,
  ELECTION_BASE_HASH_LENGTH,
  MAX_TOKEN_SIGNATURES,
  type BallotTokenMessageInput,
  type BallotTokenSignature,
  type BallotToken,
  type PreparedBallotToken,
  type TokenIssuer,
  type TokenSignatureRejection,
  type TokenVerificationResult,
  ballotTokenMessage,
  prepareBallotToken,
  assembleBallotToken,
  validateBallotToken,
  serializeBallotToken,
  parseBallotToken,
  ballotTokenPreparedMessage,
  verifyTokenSignatures,
} from './ballot-token';
export {
  BALLOT_SIGNATURE_DOMAIN,
  BALLOT_HASH_LENGTH,
  MAX_ELECTION_ID_BYTES,
  type PseudonymKeyPair,
  electionIdBytes,
  isValidPseudonymPublicKey,
  generatePseudonymKeyPair,
  pseudonymPublicKey,
  ballotSignatureMessage,
  pseudonymSign,
  pseudonymVerify,
  signBallot,
  verifyBallotSignature,
} from './pseudonym';
