import { z } from 'zod';
import { NUL_MESSAGE, refusingNul } from '../../../src/interfaces/refuse-nul';

describe('refusingNul', () => {
  const schema = refusingNul(z.object({ name: z.string(), tags: z.array(z.string()), since: z.record(z.string(), z.number()) }).strict());

  it('when every string is clean, then the schema decides as before', () => {
    expect(schema.safeParse({ name: 'a', tags: ['b'], since: { 'room:c': 1 } })).toEqual({ success: true, data: { name: 'a', tags: ['b'], since: { 'room:c': 1 } } });
    expect(schema.safeParse({ name: 1, tags: [], since: {} }).success).toBe(false);
  });

  it('when U+0000 is in a field, an array item or a record key, then each is refused at its path', () => {
    const result = schema.safeParse({ name: 'a\u0000', tags: ['ok', '\u0000'], since: { 'room:\u0000': 1 } });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual(
      expect.arrayContaining([
        ['name', NUL_MESSAGE],
        ['tags.1', NUL_MESSAGE],
        ['since.room:\u0000', `its name ${NUL_MESSAGE}`],
      ]),
    );
  });

  it('when the input nests deeper than any stack, then it is walked without overflowing and refused by the schema', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`) as unknown;
    const result = refusingNul(z.array(z.string())).safeParse(deep);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toBe(NUL_MESSAGE);
    // The path names where to look without echoing 100,000 keys back.
    expect(result.error!.issues[0]!.path).toHaveLength(33);
  }, 5_000);
});
