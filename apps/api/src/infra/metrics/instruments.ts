import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's metrics, in one registry that /metrics renders. Instruments are named here and
 * called by the code they measure with one line each, so a capability never builds metric names.
 * Counters and histograms are per process; gauges are sampled at each scrape from the nodes the
 * process runs (one outside tests), summed.
 */
export const registry = new Registry();

// Event-loop lag (nodejs_eventloop_lag_seconds), heap, GC, CPU and open handles, under their usual names.
collectDefaultMetrics({ register: registry });

/** Seconds from a few milliseconds (a commit alone) to the 5 s after which a client treats a send as lost. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const sendsCommitted = new Counter({
  name: 'chat_sends_committed_total',
  help: 'Sends acknowledged as stored (a resend of a stored send included).',
  registers: [registry],
});
const sendsRefused = new Counter({
  name: 'chat_sends_refused_total',
  help: 'Sends answered with an error frame, by error code.',
  labelNames: ['code'],
  registers: [registry],
});
const sendAckSeconds = new Histogram({
  name: 'chat_send_ack_seconds',
  help: 'From the start of handling a send frame to its ack going out.',
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});
const sendBatchSize = new Histogram({
  name: 'chat_send_batch_size',
  help: 'Sends committed in one transaction.',
  // Up to the send path's cap (chat/send/group-commit.ts): a full batch is 64.
  buckets: [1, 2, 5, 10, 20, 32, 64],
  registers: [registry],
});
const busPublishSeconds = new Histogram({
  name: 'chat_bus_publish_seconds',
  help: 'Time for the bus to accept one publish.',
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});
const busPublishFailures = new Counter({
  name: 'chat_bus_publish_failures_total',
  help: 'Publishes the bus refused or lost (the affected clients resync).',
  registers: [registry],
});

export const sendMetrics = {
  /** Starts the clock of one send frame; call what it returns once its ack is out. */
  started(): () => void {
    const stop = sendAckSeconds.startTimer();
    return () => {
      stop();
      sendsCommitted.inc();
    };
  },
  refused(code: string): void {
    sendsRefused.inc({ code });
  },
  batchCommitting(size: number): void {
    sendBatchSize.observe(size);
  },
};

export const busMetrics = {
  /** Times a publish and counts it if it fails; the outcome passes through unchanged. */
  async published<T>(publish: Promise<T>): Promise<T> {
    const stop = busPublishSeconds.startTimer();
    try {
      return await publish;
    } catch (error) {
      busPublishFailures.inc();
      throw error;
    } finally {
      stop();
    }
  },
};

type Sample = number | Promise<number>;

/** A gauge read from every live node of this process at each scrape; `add` returns its removal. */
function sampledGauge(name: string, help: string) {
  const sources = new Set<() => Sample>();
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      const values = await Promise.all([...sources].map((source) => source()));
      this.set(values.reduce((sum, value) => sum + value, 0));
    },
  });
  return {
    add(source: () => Sample): () => void {
      sources.add(source);
      return () => sources.delete(source);
    },
  };
}

export const gauges = {
  wsConnections: sampledGauge('chat_ws_connections', 'Open WebSocket connections of signed-in users.'),
  dbPoolInUse: sampledGauge('chat_db_pool_in_use', 'MySQL pool connections running a query.'),
  dbPoolIdle: sampledGauge('chat_db_pool_idle', 'MySQL pool connections open and free.'),
  dbPoolWaiting: sampledGauge('chat_db_pool_waiting', 'Queries waiting for a free MySQL pool connection.'),
  mailOutboxPending: sampledGauge('chat_mail_outbox_pending', 'Mails queued and not sent yet (retries included).'),
};
