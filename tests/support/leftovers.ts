import { createHook } from 'node:async_hooks';

/** Resources that keep a process alive while they are referenced. */
const KEEPS_ALIVE = new Set(['Timeout', 'TCPWRAP', 'TCPSERVERWRAP', 'TCPCONNECTWRAP', 'PIPEWRAP', 'PIPESERVERWRAP', 'PIPECONNECTWRAP', 'PROCESSWRAP', 'UDPWRAP', 'SIGNALWRAP', 'FSEVENTWRAP', 'STATWATCHER', 'WORKER']);

interface Tracked {
  type: string;
  resource: { hasRef?: () => boolean };
  stack: string;
}

/**
 * Records what the calling test file creates that can keep its jest worker alive (timers,
 * sockets, pipes, child processes). A file that forks nodes and services asserts after its
 * own clean-up that none is left: a leftover holds the worker past workerGracefulExitTimeout,
 * and jest ends with "A worker process has failed to exit gracefully" far from the cause.
 * jest's own timers (its hook timeouts) are not counted.
 */
export function trackLeftovers() {
  const live = new Map<number, Tracked>();
  const hook = createHook({
    init(asyncId, type, _triggerAsyncId, resource) {
      if (!KEEPS_ALIVE.has(type)) return;
      const frames = (new Error().stack ?? '').split('\n').slice(1).filter((frame) => !frame.includes('(node:') && !frame.includes(' node:'));
      // The first frame outside Node itself made it: jest's own (its hook timeouts) are not the file's.
      if (frames[1]?.includes('jest-circus')) return;
      live.set(asyncId, { type, resource: resource as Tracked['resource'], stack: frames.slice(1, 12).join('\n') });
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  });
  hook.enable();
  const leftovers = () => [...live.values()].filter(({ resource }) => resource.hasRef?.() ?? true);
  return {
    /** Waits up to `timeoutMs` for everything the file created to end; throws naming each leftover and where it was made. */
    async expectNoneLeft(timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (leftovers().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100).unref());
      hook.disable();
      const left = leftovers();
      if (left.length > 0) throw new Error(`${left.length} handle(s) still alive ${timeoutMs} ms after clean-up:\n${left.map(({ type, stack }) => `${type}\n${stack}`).join('\n---\n')}`);
    },
  };
}
