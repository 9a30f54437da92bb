import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every counter Parley exports. One registry per composition root (not prom-client's
 * global one), so two nodes can live in one test process without clashing.
 */
export function createMetrics() {
  const registry = new Registry();
  // prom-client samples event-loop delay with a 10 ms libuv timer by default: 100 wake-ups a
  // second on an idle node (most of its idle CPU on this VM, where each wake-up is dear). A stall
  // still shows at 250 ms resolution: the late timer records the whole delay.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 250 });
  const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'parley_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: latencyBuckets,
      registers: [registry],
    }),
    openWebSockets: new Gauge({ name: 'parley_websockets_open', help: 'Open WebSocket connections', registers: [registry] }),
    messagesAccepted: new Counter({
      name: 'parley_messages_accepted_total',
      help: 'Messages acknowledged by Kafka',
      labelNames: ['via'] as const,
      registers: [registry],
    }),
    messagesRejected: new Counter({
      name: 'parley_messages_rejected_total',
      help: 'Messages refused, by error code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    messagesStored: new Counter({ name: 'parley_messages_stored_total', help: 'Messages committed to Postgres', registers: [registry] }),
    messagesDelivered: new Counter({
      name: 'parley_messages_delivered_total',
      help: 'Message frames written to WebSockets of this node',
      registers: [registry],
    }),
    liveGaps: new Counter({
      name: 'parley_live_gaps_total',
      help: 'Live deliveries that found seqs missing before them on a socket (filled from Postgres, or the client told to resync)',
      registers: [registry],
    }),
    acceptToStore: new Histogram({
      name: 'parley_message_accept_to_store_seconds',
      help: 'Time from Kafka acknowledgement of a message to its commit in Postgres',
      buckets: latencyBuckets,
      registers: [registry],
    }),
    storeToDelivery: new Histogram({
      name: 'parley_message_store_to_delivery_seconds',
      help: 'Time from commit in Postgres to the frames written on this node (once per message, however many sockets)',
      buckets: latencyBuckets,
      registers: [registry],
    }),
    databaseStatements: new Counter({
      name: 'parley_db_statements_total',
      help: 'Statements this node sent to Postgres, by kind (write: may change data)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    signalsPublished: new Counter({
      name: 'parley_signals_published_total',
      help: 'Presence and typing signals this node sent to Kafka (never written to Postgres), by type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    signalsReceived: new Counter({
      name: 'parley_signals_received_total',
      help: 'Presence and typing signals this node read from Kafka, by type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    lastSeenWrites: new Counter({
      name: 'parley_last_seen_writes_total',
      help: 'Batched writes of last-seen times to Postgres (one statement each, however many users)',
      registers: [registry],
    }),
    typingDropped: new Counter({
      name: 'parley_typing_dropped_total',
      help: 'Typing frames dropped because the same socket sent one for the conversation less than 2 s before',
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'parley_consumer_lag',
      help: 'Messages behind the high watermark, per consumer group, topic and partition',
      labelNames: ['group', 'topic', 'partition'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
