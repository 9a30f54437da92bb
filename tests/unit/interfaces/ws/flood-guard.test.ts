import { FloodGuard } from '../../../../src/interfaces/ws/flood-guard';

describe('FloodGuard', () => {
  const limits = { ratePerSecond: 10, burst: 3, strikes: 2, windowMs: 5_000 };

  it('when a user stays within the burst, then every frame is allowed', async () => {
    const guard = new FloodGuard(limits);
    const verdicts = await Promise.all([1, 2, 3].map(() => guard.check('u')));
    expect(verdicts.map((v) => v.kind)).toEqual(['allow', 'allow', 'allow']);
  });

  it('when a user goes past the burst, then frames are refused with a retry time, and past the strikes the user is disconnected', async () => {
    const guard = new FloodGuard(limits);
    const verdicts = [];
    for (let i = 0; i < 6; i += 1) verdicts.push(await guard.check('u'));
    expect(verdicts.map((v) => v.kind)).toEqual(['allow', 'allow', 'allow', 'refuse', 'refuse', 'disconnect']);
    expect(verdicts[3]).toMatchObject({ retryAfterMs: expect.any(Number) });
  });

  it('when one user floods, then another user keeps their own budget', async () => {
    const guard = new FloodGuard(limits);
    for (let i = 0; i < 5; i += 1) await guard.check('flooder');
    expect((await guard.check('other')).kind).toBe('allow');
  });

  it('when strikes are older than the window, then they no longer count', async () => {
    const guard = new FloodGuard({ ...limits, burst: 1, ratePerSecond: 0.01 });
    await guard.check('u', 1, 0);
    expect((await guard.check('u', 1, 0)).kind).toBe('refuse');
    expect((await guard.check('u', 1, 1_000)).kind).toBe('refuse');
    expect((await guard.check('u', 1, 10_000)).kind).toBe('refuse');
  });

  it('when a frame weighs several points (a resume naming many conversations), then it spends them all, never more than the burst', async () => {
    const guard = new FloodGuard({ ...limits, burst: 5, ratePerSecond: 0.01 });
    expect((await guard.check('u', 4)).kind).toBe('allow');
    expect((await guard.check('u', 1)).kind).toBe('allow');
    expect((await guard.check('u', 1)).kind).toBe('refuse');
    const fresh = new FloodGuard({ ...limits, burst: 5, ratePerSecond: 0.01 });
    expect((await fresh.check('v', 50)).kind).toBe('allow');
  });
});
