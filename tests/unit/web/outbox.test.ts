import { newConversation, type PendingMessage } from '../../../web/src/conversation';
import { Outbox, type OutboxEntry } from '../../../web/src/outbox';

const conversation = newConversation('room:general', { room: 'general' });
const pending = (order: number): PendingMessage => ({ clientMessageId: `c${order}`, order, body: `b${order}`, createdAt: 0, state: 'sending', note: null });

describe('Outbox', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('when 25 sends are queued at once, then 10 leave at once and the rest at 5 a second, in order', () => {
    const written: number[] = [];
    const outbox = new Outbox((entry) => (written.push(entry.pending.order), 'sent'));
    for (let order = 0; order < 25; order++) outbox.enqueue({ conversation, pending: pending(order) });
    expect(written).toHaveLength(10);
    jest.advanceTimersByTime(1_000);
    expect(written.length).toBeGreaterThanOrEqual(14);
    expect(written.length).toBeLessThanOrEqual(16);
    jest.advanceTimersByTime(2_000);
    expect(written).toEqual(Array.from({ length: 25 }, (_, order) => order));
  });

  it('when refused sends come back for another try, then they go again in the order they were written', () => {
    const written: number[] = [];
    const outbox = new Outbox((entry) => (written.push(entry.pending.order), 'sent'));
    outbox.pauseFor(2_000);
    const entries: OutboxEntry[] = [3, 1, 2].map((order) => ({ conversation, pending: pending(order) }));
    for (const entry of entries) outbox.enqueue(entry);
    expect(written).toEqual([]);
    jest.advanceTimersByTime(1_999);
    expect(written).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(written).toEqual([1, 2, 3]);
  });

  it('when no socket is open, then the send stays queued until the next pump, and is queued once however often it is enqueued', () => {
    let open = false;
    const written: number[] = [];
    const outbox = new Outbox((entry) => (open ? (written.push(entry.pending.order), 'sent') : 'closed'));
    const entry = { conversation, pending: pending(7) };
    outbox.enqueue(entry);
    outbox.enqueue(entry);
    expect(written).toEqual([]);
    open = true;
    outbox.pump();
    expect(written).toEqual([7]);
  });
});
