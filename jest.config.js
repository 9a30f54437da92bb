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
  // How long jest waits for a worker to exit once it has no test left. The workers' event loops
  // are empty within milliseconds of that (nothing is left open), but the kernel then took 0.3 to
  // 2.5 s to reap a ~250 MB worker on a busy 2-core machine, past jest's 500 ms default, and jest
  // killed it with "A worker process has failed to exit gracefully". A leaked socket, server or
  // child process still shows that message, only later.
  workerGracefulExitTimeout: 10_000,
};
