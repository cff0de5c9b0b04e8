// Public surface of the cryptographic core: pure TypeScript, runs unchanged in the browser, the CLI and the server.
// Allowed imports here and below: @noble/*, WebCrypto (globalThis.crypto). No Node-only modules, no framework.
export * from './errors';
export * from './encoding';
export * from './group';
export * from './transcript';
export * from './elgamal';
export * from './dlog';
export * from './proofs';
