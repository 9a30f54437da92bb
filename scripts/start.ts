/**
 * `npm start`: brings up what a development node needs and runs it in the foreground.
 * Kafka: the project's local broker (scripts/kafka), left running for the next start.
 * Postgres: DATABASE_URL when it answers, otherwise an embedded server stopped on exit.
 */
import 'dotenv/config';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './services/kafka';
import { provideLocalServices } from './services/local-services';

async function main() {
  const { env, embedded } = await provideLocalServices(process.env);

  const node = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'src', 'interfaces', 'cli', 'main.js'), 'serve'], {
    env,
    stdio: 'inherit',
  });
  const forward = (signal: NodeJS.Signals) => node.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  void announceWhenReady(env);

  const code = await new Promise<number>((resolve) => node.on('exit', (exitCode) => resolve(exitCode ?? 1)));
  await embedded?.stop();
  process.exit(code);
}

async function announceWhenReady(env: NodeJS.ProcessEnv) {
  const http = `http://localhost:${env.HTTP_PORT ?? 3000}`;
  for (let attempt = 0; attempt < 120; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ready = await fetch(`${http}/readyz`).then((res) => res.ok, () => false);
    if (ready) {
      console.log(
        `\nParley is ready (node ${env.NODE_ID ?? ''})\n` +
          `  Web client  ${http}/\n  API         ${http}/api\n  Swagger UI  ${http}/docs\n  WebSocket   ws://localhost:${env.WS_PORT ?? 3001}/ws\n` +
          `  Stop with Ctrl-C (Kafka keeps running: npm run kafka -- stop)\n`,
      );
      return;
    }
  }
}

main().catch((error: unknown) => {
  console.error(`parley start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
