import { BcryptPasswordHasher } from '../../../src/infrastructure/security/bcrypt-password-hasher';

async function medianMs(run: () => Promise<unknown>, times = 5): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const start = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

describe('bcrypt password hasher', () => {
  const hasher = new BcryptPasswordHasher(8);

  it('when verifying, then only the right password matches, and hashes carry the configured cost', async () => {
    const hash = await hasher.hash('correct horse');
    expect(hash).toMatch(/^\$2[aby]\$08\$/);
    expect(await hasher.verify('correct horse', hash)).toBe(true);
    expect(await hasher.verify('wrong horse', hash)).toBe(false);
  });

  it('when there is no account, then the dummy comparison costs about as much as a real one', async () => {
    const hash = await hasher.hash('correct horse');
    await hasher.verifyAgainstDummy('warm-up');
    const real = await medianMs(() => hasher.verify('wrong horse', hash));
    const dummy = await medianMs(() => hasher.verifyAgainstDummy('wrong horse'));
    expect(await hasher.verifyAgainstDummy('parley-dummy-password')).toBe(false);
    expect(dummy).toBeGreaterThan(real * 0.5);
    expect(dummy).toBeLessThan(real * 2);
  });
});
