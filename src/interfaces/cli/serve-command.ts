import { startNode } from '../../composition/node';
import type { Command } from './command';

export const serveCommand: Command = {
  description: 'Run a Parley node (HTTP API and WebSocket gateway) until SIGTERM or SIGINT',
  async run(config) {
    const node = await startNode(config);
    const { logger } = node;
    return new Promise<number>((resolve) => {
      let stopping = false;
      const shutdown = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down');
        // A stuck dependency must not keep the process past its deadline.
        const deadline = setTimeout(() => {
          process.stderr.write(`parley: shutdown took longer than ${config.shutdownTimeoutMs} ms, exiting\n`);
          process.exit(1);
        }, config.shutdownTimeoutMs);
        deadline.unref();
        node.stop().then(
          () => resolve(0),
          () => resolve(1),
        );
      };
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    });
  },
};
