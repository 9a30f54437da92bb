import { z, type ZodType } from 'zod';

export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

/** A value still to look at, with the way back to the root; a path is built only for an issue. */
interface Visit {
  value: unknown;
  key: PropertyKey | null;
  parent: Visit | null;
}

/** Enough of a path to find the field; a deeper one is cut, so the answer stays small. */
const MAX_PATH_KEYS = 32;

const pathOf = (visit: Visit): PropertyKey[] => {
  const path: PropertyKey[] = [];
  for (let at: Visit | null = visit; at && at.key !== null; at = at.parent) path.push(at.key);
  path.reverse();
  return path.length > MAX_PATH_KEYS ? [...path.slice(0, MAX_PATH_KEYS), '…'] : path;
};

/**
 * Adds an issue at the path of every string and every object key that holds U+0000. Iterative,
 * not recursive, and without copying paths on the way down: a 64 KiB body of nested arrays is
 * 32,000 levels deep, which must neither overflow the stack nor cost depth² before the schema
 * gets to refuse it.
 */
function reportNul(input: unknown, ctx: z.RefinementCtx): void {
  const pending: Visit[] = [{ value: input, key: null, parent: null }];
  while (pending.length > 0) {
    const visit = pending.pop()!;
    const { value } = visit;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) ctx.addIssue({ code: 'custom', path: pathOf(visit), message: NUL_MESSAGE });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push({ value: item, key: index, parent: visit }));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const child = { value: item, key, parent: visit };
        if (key.includes('\u0000')) ctx.addIssue({ code: 'custom', path: pathOf(child), message: `its name ${NUL_MESSAGE}` });
        pending.push(child);
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
