import type { ZodType } from 'zod';
import { validationFailed } from '../../domain/errors';
import { refusingNul } from '../refuse-nul';

const guarded = new WeakMap<ZodType, ZodType>();

/**
 * Parses input with a schema, or throws validation_failed listing every field that failed.
 * Every body, query and path parameter comes through here, so U+0000 is refused here once.
 */
export function parseInput<T>(schema: ZodType<T>, input: unknown): T {
  let edge = guarded.get(schema) as ZodType<T> | undefined;
  if (!edge) guarded.set(schema, (edge = refusingNul(schema)));
  const result = edge.safeParse(input);
  if (result.success) return result.data;
  throw validationFailed(
    result.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message })),
  );
}
