import { parseArgs } from 'node:util';
import { withAccountTasks } from '../../composition/account-tasks';
import { DomainError } from '../../domain/errors';
import type { Command } from './command';

const USAGE = 'usage: create-admin --username NAME --email ADDRESS (password from PARLEY_ADMIN_PASSWORD or a prompt)';

/** Reads a line without echoing it: the password never shows on screen nor in argv or shell history. */
export function promptHidden(question: string, input: NodeJS.ReadStream = process.stdin): Promise<string> {
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let answer = '';
    const raw = input.isTTY === true;
    if (raw) input.setRawMode(true);
    input.setEncoding('utf8');
    const finish = (error?: Error) => {
      input.off('data', onData);
      if (raw) input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\u0003') return finish(new Error('cancelled'));
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u007f') answer = answer.slice(0, -1);
        else answer += char;
      }
    };
    input.on('data', onData);
    input.resume();
  });
}

export const createAdminCommand: Command = {
  description: 'Create an admin account (password from PARLEY_ADMIN_PASSWORD or a hidden prompt, never argv)',
  async run(config, args) {
    const { values } = parseArgs({ args, options: { username: { type: 'string' }, email: { type: 'string' } }, strict: false });
    if ('password' in values) {
      process.stderr.write('create-admin: never pass a password on the command line; use PARLEY_ADMIN_PASSWORD or the prompt\n');
      return 2;
    }
    if (typeof values.username !== 'string' || typeof values.email !== 'string') {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    const password = process.env.PARLEY_ADMIN_PASSWORD || (await promptHidden('Admin password: '));

    const { username, email } = values;
    try {
      // No clientIp: the admin CLI is not a visitor, so the registration throttle does not count it.
      const admin = await withAccountTasks(config, ({ registerUser }) => registerUser.execute({ username, email, password, role: 'admin' }));
      process.stdout.write(`admin ${admin.username} created (id ${admin.id})\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const fields = error.details?.fields?.map((issue) => `${issue.field} ${issue.message}`).join('; ');
      process.stderr.write(`create-admin: ${error.message}${fields ? ` (${fields})` : ''}\n`);
      return 1;
    }
  },
};
