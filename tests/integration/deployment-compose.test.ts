import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { NGINX_TEMPLATE } from '../../scripts/cluster/nginx-config';
import { loadConfig } from '../../src/infrastructure/config/config';

/**
 * No Docker engine runs here, so the Compose file is checked the way Compose itself reads it:
 * `docker-compose config` (Debian's package, offline) interpolates .env and validates the file
 * against the Compose schema; the tests then assert on the resolved structure.
 */
const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
// Only what Compose needs: values must come from .env, not from whatever this shell exports.
const CLEAN_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
// What an operator gives from outside: the secret .env must not hold.
const OPERATOR_SECRET = 'operator-secret-from-outside-0123456789abcdef';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Service = any;

async function composeConfig(
  extraArgs: string[] = [],
  env: Record<string, string> = { SESSION_SECRET: OPERATOR_SECRET },
): Promise<{ services: Record<string, Service>; volumes: Record<string, unknown> }> {
  try {
    const { stdout } = await run('docker-compose', [...extraArgs, 'config'], { cwd: ROOT, env: { ...CLEAN_ENV, ...env } });
    return parse(stdout);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('docker-compose not found: apt-get install -y docker-compose (it validates offline, no engine needed)');
    }
    throw error;
  }
}

function dotEnv(name: string): string {
  const line = readFileSync(path.join(ROOT, '.env'), 'utf8').split('\n').find((entry) => entry.startsWith(`${name}=`));
  if (!line) throw new Error(`${name} is not in .env`);
  return line.slice(name.length + 1).trim();
}

describe('docker-compose.yml', () => {
  let services: Record<string, Service>;
  let volumes: Record<string, unknown>;

  beforeAll(async () => {
    ({ services, volumes } = await composeConfig());
  });

  it('when Compose reads it, then Kafka is the apache/kafka image of the pinned version, in KRaft mode, on a named volume', () => {
    const kafka = services.kafka;
    expect(kafka.image).toBe(`apache/kafka:${dotEnv('KAFKA_VERSION')}`);
    expect(kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafka.environment.KAFKA_ADVERTISED_LISTENERS).toContain('kafka:9092');
    expect(kafka.environment.KAFKA_LOG_DIRS).toBe('/var/lib/kafka/data');
    expect(kafka.volumes).toContain('kafka-data:/var/lib/kafka/data:rw');
    expect(kafka.healthcheck.test.join(' ')).toContain('--bootstrap-server localhost:9092');
    expect(volumes).toHaveProperty('kafka-data');
  });

  it('when Compose reads it, then Postgres 15 keeps its data on a named volume and reports its health', () => {
    const postgres = services.postgres;
    expect(postgres.image).toBe('postgres:15');
    expect(postgres.volumes).toContain('postgres-data:/var/lib/postgresql/data:rw');
    expect(volumes).toHaveProperty('postgres-data');
    expect(postgres.healthcheck.test.join(' ')).toContain('pg_isready');
  });

  it('when Compose reads it, then two scalable Parley nodes start after healthy Kafka and Postgres, with a valid production config', () => {
    const parley = services.parley;
    expect(parley.build.dockerfile).toBe('docker/Dockerfile');
    expect(parley.deploy.replicas).toBe(2);
    // Replicas of one service cannot share a container name or a published port.
    expect(parley.container_name).toBeUndefined();
    expect(parley.ports).toBeUndefined();
    expect(parley.depends_on).toEqual({ kafka: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });

    const env = Object.fromEntries(Object.entries(parley.environment as Record<string, unknown>).map(([key, value]) => [key, String(value)]));
    const config = loadConfig(env);
    expect(config.env).toBe('production');
    expect(config.kafka.brokers).toEqual(['kafka:9092']);
    expect(new URL(config.database.url).host).toBe('postgres:5432');
    expect(new URL(config.database.url).password).toBe(services.postgres.environment.POSTGRES_PASSWORD);
    expect(config.http.allowedOrigins).toContain(`http://localhost:${dotEnv('PARLEY_PORT')}`);
    expect(env.NODE_ID).toBeUndefined(); // the hostname: one per replica
    // The secret is the operator's, and cookies are Secure unless a plain-http try-out says otherwise.
    expect(config.session.secrets).toEqual([OPERATOR_SECRET]);
    expect(config.session.cookieSecure).toBe(true);
  });

  it('when Compose reads it, then nginx serves the shared template on 8080 once the nodes are healthy', () => {
    const nginx = services.nginx;
    expect(nginx.depends_on).toEqual({ parley: { condition: 'service_healthy' } });
    expect(nginx.ports).toEqual([{ published: Number(dotEnv('PARLEY_PORT')), target: 8080 }]);
    expect(nginx.volumes).toContain(`${NGINX_TEMPLATE}:/etc/nginx/templates/parley.conf.template:ro`);
    expect(nginx.environment.PARLEY_LISTEN_PORT).toBe(8080);
    expect(nginx.environment.PARLEY_HTTP_SERVERS).toBe(`server parley:${services.parley.environment.HTTP_PORT};`);
    expect(nginx.environment.PARLEY_WS_SERVERS).toBe(`server parley:${services.parley.environment.WS_PORT};`);
    expect(nginx.healthcheck.test.join(' ')).toContain('/readyz');
  });

  it('when only the committed .env is there, then Compose refuses to start for want of a session secret', async () => {
    await expect(composeConfig([], {})).rejects.toMatchObject({ stderr: expect.stringContaining('SESSION_SECRET') });
    // .env holds none, so the development value can never sit beside NODE_ENV=production.
    expect(() => dotEnv('SESSION_SECRET')).toThrow('SESSION_SECRET is not in .env');
  });

  it('when an env file lacks the session secret too, then Compose refuses rather than default it', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'parley-compose-'));
    const envFile = path.join(directory, 'no-secret.env');
    writeFileSync(envFile, readFileSync(path.join(ROOT, '.env'), 'utf8'));

    await expect(composeConfig(['--env-file', envFile], {})).rejects.toMatchObject({ stderr: expect.stringContaining('SESSION_SECRET') });
  });

  it('when the development secret from an older .env is given, then the production config refuses it', async () => {
    const { services } = await composeConfig([], { SESSION_SECRET: 'dev-only-secret-change-me-in-production-0123456789' });
    const env = Object.fromEntries(Object.entries(services.parley.environment as Record<string, unknown>).map(([key, value]) => [key, String(value)]));
    expect(() => loadConfig(env)).toThrow(/SESSION_SECRET is a development value published in this repository/);
  });
});
