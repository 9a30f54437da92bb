import type { RequestHandler } from 'express';
import type { Metrics } from '../../../infrastructure/metrics/metrics';

/** Observes latency by route pattern (not raw URL, which would explode the label set) and status. */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      stop({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
