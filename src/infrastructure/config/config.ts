import { hostname } from 'node:os';
import { z } from 'zod';

/**
 * The whole process configuration, read once from the environment, validated and frozen.
 * Components receive only the slice they need (config.kafka, config.session, …).
 */
const port = z.coerce.number({ error: 'must be a port number (0-65535)' }).int('must be a port number (0-65535)').min(0, 'must be a port number (0-65535)').max(65535, 'must be a port number (0-65535)');
const positiveInt = z.coerce.number({ error: 'must be a positive whole number' }).int('must be a positive whole number').positive('must be a positive whole number');
const list = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const hostPort = /^[A-Za-z0-9._-]+:\d{1,5}$/;

/** The secret development runs with when none is given; production refuses it. */
const DEVELOPMENT_SECRET = 'parley-development-secret-not-for-production';
/** Secrets anyone can read in this repository (and its history): production refuses them all. */
const PUBLISHED_SECRETS = new Set([DEVELOPMENT_SECRET, 'dev-only-secret-change-me-in-production-0123456789']);

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    NODE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 of letters, digits, . _ -').default(hostname().slice(0, 64)),
    HOST: z.string().min(1).default('0.0.0.0'),
    HTTP_PORT: port.default(3000),
    WS_PORT: port.default(3001),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').default('postgres://postgres@127.0.0.1:5432/parley'),
    DATABASE_POOL_SIZE: positiveInt.default(10),
    KAFKA_BROKERS: list.pipe(
      z.array(z.string().regex(hostPort, 'must be a comma-separated list of host:port')).min(1, 'must name at least one broker'),
    ).default(['127.0.0.1:9092']),
    KAFKA_CLIENT_ID: z.string().min(1).default('parley'),
    KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, . _ -').default('parley'),
    KAFKA_PARTITIONS: positiveInt.default(6),
    KAFKA_REPLICATION_FACTOR: positiveInt.optional(),
    KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(10_000),
    PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
    IDEMPOTENCY_WINDOW_HOURS: positiveInt.default(24),
    SESSION_SECRET: list.optional(),
    SESSION_COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
    SESSION_IDLE_TIMEOUT_MINUTES: positiveInt.default(120),
    SESSION_MAX_AGE_HOURS: positiveInt.default(24 * 7),
    TRUST_PROXY: z.string().default('loopback'),
    ALLOWED_ORIGINS: list.pipe(z.array(z.url('must be a comma-separated list of origins like http://localhost:3000'))).default([
      'http://localhost:3000',
      'http://127.0.0.1:3000',
      'http://localhost:8080',
      'http://127.0.0.1:8080',
    ]),
    BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
    LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: positiveInt.default(5),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt.default(20),
    LOGIN_MAX_FAILURES_PER_IP: positiveInt.default(50),
    LOGIN_THROTTLE_WINDOW_SECONDS: positiveInt.default(15 * 60),
    REGISTRATION_MAX_PER_IP: positiveInt.default(10),
    REGISTRATION_WINDOW_SECONDS: positiveInt.default(60 * 60),
    HTTP_BODY_LIMIT_BYTES: positiveInt.default(64 * 1024),
    HISTORY_PAGE_SIZE: z.coerce.number().int().min(1).max(100).default(15),
    WS_MAX_FRAME_BYTES: positiveInt.default(64 * 1024),
    WS_MAX_BACKPRESSURE_BYTES: positiveInt.default(1024 * 1024),
    WS_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(8).max(960).default(60),
    WS_RATE_PER_SECOND: positiveInt.default(10),
    WS_RATE_BURST: positiveInt.default(30),
    RESUME_MAX_MESSAGES: positiveInt.default(500),
    WS_SESSION_RECHECK_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
    WS_MAX_SOCKETS_PER_USER: positiveInt.default(20),
    PRESENCE_GRACE_SECONDS: z.coerce.number().int().min(0).max(3_600).default(10),
    SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
    METRICS_ENABLED: flag.default(true),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && (!env.SESSION_SECRET || env.SESSION_SECRET.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required when NODE_ENV=production' });
    }
    if (env.NODE_ENV === 'production' && env.SESSION_SECRET?.some((secret) => secret.length < 32)) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'must be at least 32 characters in production' });
    }
    if (env.NODE_ENV === 'production' && env.SESSION_SECRET?.some((secret) => PUBLISHED_SECRETS.has(secret))) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is a development value published in this repository; give a secret of your own' });
    }
  });

/** Raised when the environment cannot produce a valid configuration; its message is one line naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Variables whose value is never printed, not even in an error about it. */
const SECRET_VARIABLES = new Set(['SESSION_SECRET', 'POSTGRES_PASSWORD', 'PARLEY_ADMIN_PASSWORD']);

/** What a config error may show of a value: nothing for a secret, a URL without its password, at most 100 characters. */
function printable(variable: string, value: string | undefined): string {
  if (value === undefined || SECRET_VARIABLES.has(variable)) return '';
  // Credentials in a URL (`//user:password@host`): everything up to the last @, which a password may hold too.
  const masked = value.replace(/\/\/\S*@/g, '//***@');
  return ` (got "${masked.length > 100 ? `${masked.slice(0, 100)}…` : masked}")`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const blankAsMissing = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(blankAsMissing);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Invalid configuration: ${variable} ${issue.message}${printable(variable, env[variable])}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  return deepFreeze({
    env: e.NODE_ENV,
    nodeId: e.NODE_ID,
    logLevel: e.LOG_LEVEL,
    http: { host: e.HOST, port: e.HTTP_PORT, bodyLimitBytes: e.HTTP_BODY_LIMIT_BYTES, trustProxy: e.TRUST_PROXY, allowedOrigins: e.ALLOWED_ORIGINS },
    ws: {
      host: e.HOST,
      port: e.WS_PORT,
      allowedOrigins: e.ALLOWED_ORIGINS,
      maxFrameBytes: e.WS_MAX_FRAME_BYTES,
      maxBackpressureBytes: e.WS_MAX_BACKPRESSURE_BYTES,
      idleTimeoutSeconds: e.WS_IDLE_TIMEOUT_SECONDS,
      ratePerSecond: e.WS_RATE_PER_SECOND,
      rateBurst: e.WS_RATE_BURST,
      resumeMaxMessages: e.RESUME_MAX_MESSAGES,
      sessionRecheckSeconds: e.WS_SESSION_RECHECK_SECONDS,
      maxSocketsPerUser: e.WS_MAX_SOCKETS_PER_USER,
    },
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      partitions: e.KAFKA_PARTITIONS,
      // Unset: one replica per listed broker, up to 3 (1 for the single dev broker).
      replicationFactor: e.KAFKA_REPLICATION_FACTOR ?? Math.min(3, new Set(e.KAFKA_BROKERS).size),
      sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
      publishTimeoutMs: e.PUBLISH_TIMEOUT_MS,
    },
    messaging: { idempotencyWindowMs: e.IDEMPOTENCY_WINDOW_HOURS * 3_600_000 },
    presence: { graceMs: e.PRESENCE_GRACE_SECONDS * 1_000 },
    session: {
      secrets: e.SESSION_SECRET ?? [DEVELOPMENT_SECRET],
      cookieSecure: e.SESSION_COOKIE_SECURE === 'auto' ? production : e.SESSION_COOKIE_SECURE === 'true',
      idleTimeoutMs: e.SESSION_IDLE_TIMEOUT_MINUTES * 60_000,
      maxAgeMs: e.SESSION_MAX_AGE_HOURS * 3_600_000,
    },
    auth: {
      bcryptCost: e.BCRYPT_COST,
      maxFailuresPerAccountIp: e.LOGIN_MAX_FAILURES_PER_ACCOUNT_IP,
      maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
      throttleWindowSeconds: e.LOGIN_THROTTLE_WINDOW_SECONDS,
      registrationsPerIp: e.REGISTRATION_MAX_PER_IP,
      registrationWindowSeconds: e.REGISTRATION_WINDOW_SECONDS,
    },
    history: { pageSize: e.HISTORY_PAGE_SIZE, maxPageSize: 100 },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    metricsEnabled: e.METRICS_ENABLED,
  });
}

export type AppConfig = ReturnType<typeof loadConfig>;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
