import path from 'node:path';
import { parseClusterOptions } from '../../../../scripts/cluster/options';

describe('parseClusterOptions', () => {
  it('when nothing is given, then two nodes behind port 8080 with state in .data/cluster', () => {
    const options = parseClusterOptions([]);

    expect(options).toMatchObject({ nodes: 2, port: 8080, httpBase: 3101, wsBase: 3201 });
    expect(options.directory.endsWith(path.join('.data', 'cluster'))).toBe(true);
  });

  it('when --nodes and --port are given, then they are used', () => {
    expect(parseClusterOptions(['--nodes', '3', '--port', '9090'])).toMatchObject({ nodes: 3, port: 9090 });
  });

  it.each([
    [['--nodes', '0'], '--nodes must be a whole number from 1 to 32 (got "0")'],
    [['--port', '80a'], '--port must be a whole number from 1 to 65535 (got "80a")'],
    [['--nodes', '3', '--ws-base', '3102'], 'overlapping ports'],
  ])('when given %p, then it explains what is wrong', (argv, message) => {
    expect(() => parseClusterOptions(argv)).toThrow(message);
  });

  it('when given an unknown flag, then it refuses it', () => {
    expect(() => parseClusterOptions(['--nodez', '3'])).toThrow(/nodez/);
  });
});
