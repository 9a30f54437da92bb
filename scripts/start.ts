/**
 * `npm start`: brings up what a development node needs and runs it in the foreground.
 * Kafka: the project's local broker (scripts/kafka), left running for the next start.
 * Postgres: DATABASE_URL when it answers, otherwise an embedded server stopped on exit.
 */
import 'dotenv/config';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureLocalKafka, REPO_ROOT } from './services/kafka';
import { ensureDatabase, postgresAnswers, startEmbeddedPostgres, withDatabase, type EmbeddedPostgres } from './services/postgres';

const LOCAL_KAFKA = /^(127\.0\.0\.1|localhost):9092$/;

async function main() {
  const env = { ...process.env };
  if (!env.KAFKA_BROKERS || LOCAL_KAFKA.test(env.KAFKA_BROKERS)) await ensureLocalKafka();

  let embedded: EmbeddedPostgres | null = null;
  const wanted = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley';
  if (await postgresAnswers(wanted)) {
    env.DATABASE_URL = wanted;
  } else {
    const port = Number(env.EMBEDDED_POSTGRES_PORT ?? 5433);
    console.log(`no Postgres answers at ${new URL(wanted).host}: starting an embedded one on port ${port} (.data/postgres)`);
    embedded = await startEmbeddedPostgres({ port });
    env.DATABASE_URL = withDatabase(embedded.url, 'parley');
  }
  await ensureDatabase(env.DATABASE_URL);

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
          `  API         ${http}/api\n  Swagger UI  ${http}/docs\n  WebSocket   ws://localhost:${env.WS_PORT ?? 3001}/ws\n` +
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
