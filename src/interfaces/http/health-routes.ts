import { Router } from 'express';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  name: string;
  /** Resolves true when the dependency is usable; must not hang (the caller applies a timeout). */
  check(): Promise<boolean>;
  /** Releases what the check holds open (a client connection), at shutdown. */
  close?(): Promise<void>;
}

const withTimeout = (promise: Promise<boolean>, ms: number) =>
  Promise.race([promise.catch(() => false), new Promise<boolean>((resolve) => setTimeout(resolve, ms, false).unref())]);

/** Liveness, readiness (every dependency this node needs) and Prometheus metrics. */
export function healthRoutes(options: { checks: ReadinessCheck[]; registry: Registry; nodeId: string }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', node: options.nodeId });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(options.checks.map(async (c) => [c.name, await withTimeout(c.check(), 2_000)] as const));
    const ready = results.every(([, ok]) => ok);
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      node: options.nodeId,
      checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'failing'])),
    });
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', options.registry.contentType);
    res.send(await options.registry.metrics());
  });
  return router;
}
