import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../services/kafka';

export interface ClusterOptions {
  nodes: number;
  /** nginx's port: the one address clients use. */
  port: number;
  /** Node i (1-based) listens on httpBase + i - 1 and wsBase + i - 1. */
  httpBase: number;
  wsBase: number;
  /** Where the rendered nginx config, its logs and cluster.json go. */
  directory: string;
}

export const USAGE = `usage: npm run cluster -- [--nodes 2] [--port 8080] [--http-base 3101] [--ws-base 3201] [--dir .data/cluster]`;

/** Reads the command line; throws a one-line message for anything out of range. */
export function parseClusterOptions(argv: string[]): ClusterOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: 'string', short: 'n', default: '2' },
      port: { type: 'string', short: 'p', default: '8080' },
      'http-base': { type: 'string', default: '3101' },
      'ws-base': { type: 'string', default: '3201' },
      dir: { type: 'string', default: path.join('.data', 'cluster') },
    },
    strict: true,
    allowPositionals: false,
  });
  const nodes = whole(values.nodes, '--nodes', 1, 32);
  const options: ClusterOptions = {
    nodes,
    port: whole(values.port, '--port', 1, 65535),
    httpBase: whole(values['http-base'], '--http-base', 1, 65535 - nodes + 1),
    wsBase: whole(values['ws-base'], '--ws-base', 1, 65535 - nodes + 1),
    directory: path.resolve(REPO_ROOT, values.dir),
  };
  const ports = [options.port, ...range(options.httpBase, nodes), ...range(options.wsBase, nodes)];
  if (new Set(ports).size !== ports.length) throw new Error('--port, --http-base and --ws-base give overlapping ports');
  return options;
}

function whole(value: string, flag: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) throw new Error(`${flag} must be a whole number from ${min} to ${max} (got "${value}")`);
  return number;
}

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, index) => start + index);
}
