import { DomainError, unavailable } from '../../domain/errors';

/** Node's socket errors: the peer is gone, refused us or never answered. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATE classes that mean "the server cannot serve now", not "your statement is wrong":
 * 08 connection exception, 53 insufficient resources, 57P0x shutdown and start-up.
 */
const isUnavailableSqlState = (code: string) => /^(08|53)/.test(code) || /^57P0[1-4]$/.test(code);

/** What node-postgres throws when it has no connection to offer (pool timeout, a connection cut mid-query). */
const PG_CONNECTION_MESSAGES = [/timeout exceeded when trying to connect/i, /connection terminated/i, /not queryable/i, /connection timeout/i];

/**
 * A failure of Postgres or Kafka, told apart from a bug, becomes `unavailable` (503 with
 * Retry-After over HTTP, an `unavailable` error frame over WebSocket): the request was
 * fine and may be retried as it is. Anything else stays unknown (500, logged).
 */
export function asDependencyFailure(error: unknown): DomainError | null {
  if (error instanceof DomainError) return error.code === 'unavailable' ? error : null;
  if (!(error instanceof Error)) return null;
  if (error.name.startsWith('KafkaJS')) return unavailable('The message broker');
  if (isDatabaseUnavailable(error)) return unavailable('The database');
  return null;
}

function isDatabaseUnavailable(error: Error): boolean {
  if (error instanceof AggregateError) return error.errors.some((inner) => inner instanceof Error && isDatabaseUnavailable(inner));
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || isUnavailableSqlState(code))) return true;
  return PG_CONNECTION_MESSAGES.some((pattern) => pattern.test(error.message));
}
