/**
 * A load process: forked by the bench, never part of a server. It holds WebSockets and
 * sends messages as the bench asks over IPC, and answers with counts and histograms.
 * argv: <run tag> <process index>.
 */
import { JsonHttpClient } from '../http-client';
import type { LoadReply, LoadRequest } from './protocol';
import { runSendPlan } from './sender';
import { SocketPool } from './socket-pool';

const [runTag = 'bench', index = '0'] = process.argv.slice(2);
const processIndex = Number(index);
const pool = new SocketPool(runTag);
const http = new JsonHttpClient(512);

async function handle(request: LoadRequest): Promise<unknown> {
  switch (request.type) {
    case 'open':
      return pool.open(request.sockets, request.concurrency);
    case 'send':
      return runSendPlan(request.plan, { runTag, processIndex, pool, http });
    case 'progress':
      return pool.progress();
    case 'collect':
      return pool.collect(request);
    case 'close':
      return { closed: await pool.close() };
  }
}

process.on('message', (message: LoadRequest & { id: number }) => {
  handle(message).then(
    (result) => reply({ id: message.id, ok: true, result }),
    (error: unknown) => reply({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});

function reply(answer: LoadReply): void {
  process.send?.(answer);
}

// The bench owns this process: when it goes, so do the sockets.
process.on('disconnect', () => {
  http.close();
  process.exit(0);
});
