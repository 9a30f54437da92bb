/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': swc },
  // inversify 8 and uuid 14 ship ESM only: let the transform turn them into CommonJS too.
  transformIgnorePatterns: ['/node_modules/(?!(inversify|@inversifyjs|uuid)/)'],
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
  // Sockets and Kafka clients that outlive a test file must be found, not ignored.
  detectOpenHandles: false,
  forceExit: false,
};
