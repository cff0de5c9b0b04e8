// Public surface of the cryptographic core: pure TypeScript, runs unchanged in the browser, the CLI and the server.
// Allowed imports here and below: @noble/*, WebCrypto (globalThis.crypto). No Node-only modules, no framework.
export * from './errors';
export * from './encoding';
export * from './group';
export * from './transcript';
export * from './elgamal';
export * from './dlog';
export * from './proofs';
export * from './batch';
export * from './threshold';
export * from './ballot';
// The token layer's generic names (prepare, blind, finalize, verify) would be ambiguous at the top level.
export * as tokens from './tokens';
export * as merkle from './record/merkle';
export * from './record/tree-head';
