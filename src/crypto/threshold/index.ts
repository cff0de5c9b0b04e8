// Threshold keys without a dealer: DKG (Pedersen/Feldman) with ECIES-delivered shares and judged complaints,
// Lagrange interpolation, and verifiable threshold decryption.
export * from './binding';
export * from './lagrange';
export * from './ecies';
export * from './dkg';
export * from './decryption';
export * from './simulate';
