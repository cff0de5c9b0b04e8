// Manifest, election base hash, ballot encryption/verification, Benaloh audit, tracking codes and the tally.
export * from './manifest';
export * from './election';
export * from './encrypt';
export * from './json';
export * from './tracking-code';
export * from './verify';
export * from './audit';
export * from './tally';
export * from './batch';
