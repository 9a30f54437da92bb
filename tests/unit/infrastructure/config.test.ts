import { ConfigError, loadConfig } from '../../../src/infrastructure/config/config';

const messageOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration', () => {
  it('when nothing is set, then development defaults apply', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.ws.port).toBe(3001);
    expect(config.history.pageSize).toBe(15);
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(Object.isFrozen(config.kafka)).toBe(true);
  });

  it('when PRESENCE_GRACE_SECONDS is unset, then offline is announced after 10 s; a negative one is refused by name', () => {
    expect(loadConfig({}).presence.graceMs).toBe(10_000);
    expect(loadConfig({ PRESENCE_GRACE_SECONDS: '0' }).presence.graceMs).toBe(0);
    expect(messageOf({ PRESENCE_GRACE_SECONDS: '-1' })).toMatch(/^Invalid configuration: PRESENCE_GRACE_SECONDS .*"-1"/);
  });

  it('when KAFKA_BROKERS is not host:port, then one line names the variable', () => {
    const message = messageOf({ KAFKA_BROKERS: 'nonsense' });
    expect(message).toMatch(/^Invalid configuration: KAFKA_BROKERS .*"nonsense"/);
    expect(message).not.toContain('\n');
  });

  it('when KAFKA_REPLICATION_FACTOR is unset, then topics get one replica per listed broker, at most 3', () => {
    const replicas = (brokers: string) => loadConfig({ KAFKA_BROKERS: brokers }).kafka.replicationFactor;
    expect(loadConfig({}).kafka.replicationFactor).toBe(1);
    expect(replicas('127.0.0.1:9092')).toBe(1);
    expect(replicas('127.0.0.1:9092,127.0.0.1:9094')).toBe(2);
    expect(replicas('127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096')).toBe(3);
    expect(replicas('k1:9092,k2:9092,k3:9092,k4:9092,k5:9092')).toBe(3);
    // The same broker listed twice is still one broker.
    expect(replicas('127.0.0.1:9092, 127.0.0.1:9092')).toBe(1);
  });

  it('when KAFKA_REPLICATION_FACTOR is set, then it wins over the broker count', () => {
    const brokers = '127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096';
    expect(loadConfig({ KAFKA_BROKERS: brokers, KAFKA_REPLICATION_FACTOR: '2' }).kafka.replicationFactor).toBe(2);
    expect(loadConfig({ KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_REPLICATION_FACTOR: '3' }).kafka.replicationFactor).toBe(3);
    expect(loadConfig({ KAFKA_BROKERS: brokers, KAFKA_REPLICATION_FACTOR: '' }).kafka.replicationFactor).toBe(3);
    expect(messageOf({ KAFKA_REPLICATION_FACTOR: '0' })).toMatch(/^Invalid configuration: KAFKA_REPLICATION_FACTOR must be a positive whole number/);
  });

  it('when a port is not a number, then the error names it', () => {
    expect(messageOf({ HTTP_PORT: 'abc' })).toBe('Invalid configuration: HTTP_PORT must be a port number (0-65535) (got "abc")');
    expect(messageOf({ WS_PORT: '70000' })).toMatch(/^Invalid configuration: WS_PORT/);
  });

  it('when production runs without SESSION_SECRET, then it refuses to start', () => {
    expect(messageOf({ NODE_ENV: 'production' })).toMatch(/SESSION_SECRET is required when NODE_ENV=production/);
  });

  it('when several session secrets are given, then all are kept in order (the first signs)', () => {
    expect(loadConfig({ SESSION_SECRET: 'new-secret, old-secret' }).session.secrets).toEqual(['new-secret', 'old-secret']);
  });

  it('when the session secret is refused, then the error names SESSION_SECRET and never prints it', () => {
    const short = 'short-but-secret-value';
    const message = messageOf({ NODE_ENV: 'production', SESSION_SECRET: `${'s'.repeat(40)},${short}` });
    expect(message).toBe('Invalid configuration: SESSION_SECRET must be at least 32 characters in production');
    expect(message).not.toContain(short);
  });

  it('when production gets a session secret published in this repository, then it refuses to start', () => {
    for (const published of ['parley-development-secret-not-for-production', 'dev-only-secret-change-me-in-production-0123456789']) {
      const message = messageOf({ NODE_ENV: 'production', SESSION_SECRET: published });
      expect(message).toMatch(/^Invalid configuration: SESSION_SECRET is a development value published in this repository/);
      expect(message).not.toContain(published);
    }
  });

  it('when DATABASE_URL is refused, then the error names it without its password', () => {
    const message = messageOf({ DATABASE_URL: 'mysql://parley:pa@ss/w0rd!@db.internal:3306/parley' });
    expect(message).toBe('Invalid configuration: DATABASE_URL must be a postgres:// URL (got "mysql://***@db.internal:3306/parley")');
    expect(message).not.toMatch(/pa@ss|w0rd|parley:/);
  });

  it('when production sets secrets, then cookies are secure by default', () => {
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) });
    expect(config.session.cookieSecure).toBe(true);
  });
});
