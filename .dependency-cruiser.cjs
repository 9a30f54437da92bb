/**
 * The dependency rule, checked on every test run: dependencies point inward.
 * domain <- application <- infrastructure / interfaces <- composition (the root).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'The domain imports nothing but itself (and Node built-ins it needs for pure computations).',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { pathNot: ['^src/domain'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'application-only-domain',
      comment: 'Use cases and ports know the domain and nothing of adapters or frameworks.',
      severity: 'error',
      from: { path: '^src/application' },
      to: { pathNot: ['^src/(domain|application)'] },
    },
    {
      name: 'infrastructure-not-interfaces',
      comment: 'Adapters do not reach into the ways in, nor into the composition root.',
      severity: 'error',
      from: { path: '^src/infrastructure' },
      to: { path: '^src/(interfaces|composition)' },
    },
    {
      name: 'interfaces-not-adapters',
      comment: 'Controllers and gateways talk to use cases; only the CLI entry boots the composition root.',
      severity: 'error',
      from: { path: '^src/interfaces', pathNot: '^src/interfaces/(cli|kafka)' },
      to: { path: ['^src/composition', '^src/infrastructure/(database|kafka|security|session)'] },
    },
    {
      name: 'kafka-ways-in-read-kafka-only',
      comment: 'The Kafka consumers are ways in: they decode records with the Kafka adapters and hand them to use cases, never to SQL or sessions.',
      severity: 'error',
      from: { path: '^src/interfaces/kafka' },
      to: { path: ['^src/composition', '^src/infrastructure/(database|security|session)'] },
    },
    {
      name: 'inversify-only-in-composition',
      comment: 'The container stays in the composition root: no service locator elsewhere.',
      severity: 'error',
      from: { pathNot: '^src/composition' },
      to: { path: 'node_modules/(inversify|@inversifyjs)' },
    },
    {
      name: 'web-client-uses-the-public-protocol',
      comment: 'The browser client (web/) knows Parley only through its HTTP API and WebSocket frames: no server code.',
      severity: 'error',
      from: { path: '^web' },
      to: { path: '^(src|scripts|tests|bench|faults)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.d\\.ts$' },
  },
};
