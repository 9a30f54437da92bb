import { SendMessage } from '../../../src/application/use-cases/send-message';
import { everyoneExists, InMemoryRequestLog, ScriptedPublisher, sequentialIds } from './in-memory-ports';

const DEADLINE_MS = 200;
const alice = { id: 'alice', username: 'alice' };
const toBob = { userId: 'bob' };

function setUp() {
  const requests = new InMemoryRequestLog();
  const publisher = new ScriptedPublisher();
  const sendMessage = new SendMessage(everyoneExists.users, everyoneExists.rooms, everyoneExists.messages, requests, sequentialIds(), DEADLINE_MS);
  const send = (clientMessageId: string | undefined, body = 'hi') => sendMessage.execute({ sender: alice, to: toBob, body, clientMessageId }, publisher);
  const publishedIds = () => publisher.published.map((event) => (event.type === 'message.accepted' ? event.message.id : '?'));
  return { requests, publisher, send, publishedIds };
}

/** Resolves once the log has answered `count` reservations. */
function reservationsMade(requests: InMemoryRequestLog, count: number): Promise<void> {
  const reserve = requests.reserve.bind(requests);
  let made = 0;
  return new Promise((resolve) => {
    requests.reserve = async (message) => {
      const answer = await reserve(message);
      if ((made += 1) === count) resolve();
      return answer;
    };
  });
}

describe('SendMessage: one message per clientMessageId through failures and races', () => {
  it('when a clientMessageId is new, then the message is published once and marked published', async () => {
    const { send, publishedIds, requests } = setUp();
    const result = await send('c1');
    expect(result.duplicate).toBe(false);
    expect(publishedIds()).toEqual([result.message.id]);
    expect([...requests.pairs.values()][0]!.published).toBe(true);
  });

  it('when it is sent again after being published, then the original comes back and nothing is published', async () => {
    const { send, publishedIds } = setUp();
    const first = await send('c1');
    const again = await send('c1', 'another body');
    expect(again).toEqual({ message: first.message, duplicate: true });
    expect(publishedIds()).toEqual([first.message.id]);
  });

  it('when the publish fails, then the error reaches the client and a retry publishes the same message id at once', async () => {
    const { send, publisher, publishedIds } = setUp();
    publisher.failNext();
    await expect(send('c1')).rejects.toThrow('the broker is down');
    const retried = await send('c1');
    expect(retried.duplicate).toBe(false);
    expect(retried.message.id).toBe('m-1');
    expect(publishedIds()).toEqual(['m-1']);
  });

  it('when two sends race and the first is still publishing, then the second waits and answers with the original', async () => {
    const { send, publisher, publishedIds, requests } = setUp();
    publisher.hangNext();
    const reservedTwice = reservationsMade(requests, 2);
    const first = send('c1');
    const second = send('c1');
    // The second send has found the first one's reservation pending before the first publishes.
    await reservedTwice;
    publisher.releaseHanging();
    const [a, b] = await Promise.all([first, second]);
    expect(a.duplicate).toBe(false);
    expect(b).toEqual({ message: a.message, duplicate: true });
    expect(publishedIds()).toEqual([a.message.id]);
  });

  it('when the attempt holding the id died before it published, then a retry after the deadline takes it over with the original id', async () => {
    const { send, requests, publishedIds } = setUp();
    // As a node killed between reserving and publishing leaves it: reserved, never published.
    await requests.reserve({ id: 'm-dead', conversationId: 'dm:alice:bob', seq: null, sender: alice, to: toBob, body: 'hi', clientMessageId: 'c1', createdAt: new Date() });
    const retried = await send('c1');
    expect(retried).toMatchObject({ duplicate: false, message: { id: 'm-dead' } });
    expect(publishedIds()).toEqual(['m-dead']);
  });

  it('when the attempt holding the id hangs past the deadline, then a racing send takes over and every copy published carries the one id', async () => {
    const { send, publisher, publishedIds } = setUp();
    publisher.hangNext();
    const holder = send('c1');
    const racing = await send('c1');
    expect(racing).toMatchObject({ duplicate: false, message: { id: 'm-1' } });
    publisher.releaseHanging();
    await holder;
    // Kafka may hold the message twice; the store keeps one message per id.
    expect(new Set(publishedIds())).toEqual(new Set(['m-1']));
  });
});
