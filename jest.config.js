// @swc/jest in CommonJS mode. Jest's module loader cannot require() ESM on Node 20, so the ESM-only
// packages (@nestjs 12, @noble 2, jose, openid-client, ...) are transpiled by swc as well.
const esmOnly = [
  '@nestjs', '@noble', 'jose', 'openid-client', 'oauth4webapi', 'oidc-provider', 'file-type', 'load-esm', 'uid',
  'strtok3', 'token-types', '@tokenizer', 'uint8array-extras', 'nestjs-pino', '@electric-sql',
];
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  setupFiles: ['<rootDir>/test/support/known-warnings.js'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
