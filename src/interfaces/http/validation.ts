import type { ZodType } from 'zod';
import { validationFailed } from '../../domain/errors';

/** Parses input with a schema, or throws validation_failed listing every field that failed. */
export function parseInput<T>(schema: ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationFailed(
    result.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message })),
  );
}
