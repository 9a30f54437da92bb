import { z, type ZodType } from 'zod';

export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

/**
 * Adds an issue at the path of every string and every object key that holds U+0000. Iterative,
 * not recursive: a 64 KiB body of nested arrays must not overflow the stack before the schema
 * gets to refuse it.
 */
function reportNul(input: unknown, ctx: z.RefinementCtx): void {
  const pending: [unknown, PropertyKey[]][] = [[input, []]];
  while (pending.length > 0) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) ctx.addIssue({ code: 'custom', path, message: NUL_MESSAGE });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push([item, [...path, index]]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) ctx.addIssue({ code: 'custom', path: [...path, key], message: `its name ${NUL_MESSAGE}` });
        pending.push([item, [...path, key]]);
      }
    }
  }
}

/**
 * The one refinement every input passes at the edge (HTTP bodies, queries and path parameters,
 * WebSocket frames): Postgres text cannot hold U+0000, so a string with one is refused as
 * validation_failed before it can reach SQL and come back as a 500. It walks the whole input,
 * so no string field, array item or record key (a resume frame's conversation ids) is missed.
 */
export function refusingNul<T>(schema: ZodType<T>): ZodType<T> {
  return z.unknown().superRefine(reportNul).pipe(schema) as unknown as ZodType<T>;
}
