import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { HTTP_STATUS, type ClientErrorCode } from '../../error-catalog';
import { SESSION_COOKIE_NAME } from '../../session-cookie';
import { z } from '../../zod';

/** What the document states that the configuration decides: the same values the controllers validate with. */
export interface DocsSettings {
  history: { pageSize: number; maxPageSize: number };
}

/**
 * The OpenAPI document is generated from the zod schemas that validate requests: one
 * source of truth. Each area registers its paths in its own `*-docs.ts` file as a
 * `DocsRegistrar` (listed in all-docs.ts); `buildOpenApiDocument` runs them all into a fresh registry.
 */
export type DocsRegistrar = (registry: OpenAPIRegistry, settings: DocsSettings) => void;

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ description: 'Stable machine-readable code', example: 'validation_failed' }),
      message: z.string(),
      details: z
        .object({
          fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
        })
        .catchall(z.unknown())
        .optional(),
    }),
  })
  .openapi('Error');

/**
 * The error responses of an operation, generated from the codes it can return and the one error
 * catalog. Every operation needs Postgres or Kafka, so every one may answer 503 `unavailable`.
 */
export function errorResponses(...codes: ClientErrorCode[]) {
  const byStatus = new Map<number, ClientErrorCode[]>();
  for (const code of [...new Set([...codes, 'unavailable' as const])]) byStatus.set(HTTP_STATUS[code], [...(byStatus.get(HTTP_STATUS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: status === 503 ? 'Error: unavailable (Kafka or Postgres cannot serve now; retry after Retry-After seconds, a send with the same clientMessageId)' : `Error: ${list.join(', ')}`,
        ...(status === 503 || list.some((code) => code === 'too_many_attempts' || code === 'rate_limited') ? { headers: RETRY_AFTER } : {}),
        content: { 'application/json': { schema: ErrorBody } },
      },
    ]),
  );
}

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' as const } } };

export function buildOpenApiDocument(registrars: DocsRegistrar[], settings: DocsSettings) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'sessionCookie', { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE_NAME });
  for (const register of registrars) register(registry, settings);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Parley API',
      version: '1.0.0',
      description: 'Real-time chat on Apache Kafka. Log in through /api/auth/login: the session cookie then rides along.',
    },
    servers: [{ url: '/' }],
  });
}
