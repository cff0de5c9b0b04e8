// Sigma proofs in commitment form, each with a verifier, its verification equations and a strict JSON form.
export * from './common';
export * from './schnorr';
export * from './chaum-pedersen';
export * from './disjunctive';
export * from './range';
