import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../http/errors.ts';
import { gauges, registry } from '../infra/metrics/instruments.ts';
import { countPendingMails } from '../mail/outbox.ts';
import { metricsAccess } from './access.ts';

export const METRICS_PATH = '/metrics';

/** This node's gauges, read at each scrape; removed when the node closes. */
function sampleNode(app: FastifyInstance): Array<() => void> {
  const pool = () => app.database.poolUse();
  return [
    gauges.wsConnections.add(() => app.gateway.connectionCount),
    gauges.dbPoolInUse.add(() => pool()?.inUse ?? 0),
    gauges.dbPoolIdle.add(() => pool()?.idle ?? 0),
    gauges.dbPoolWaiting.add(() => pool()?.waiting ?? 0),
    gauges.mailOutboxPending.add(() => countPendingMails(app.database.db)),
  ];
}

/** Prometheus metrics at /metrics: behind METRICS_TOKEN when set, for the machine itself otherwise. */
export const metrics = fp(
  async (app: FastifyInstance) => {
    const removals = sampleNode(app);
    app.addHook('onClose', async () => {
      for (const remove of removals) remove();
    });

    app.get(
      METRICS_PATH,
      {
        schema: {
          summary: 'Prometheus metrics (text format)',
          description: 'Needs `Authorization: Bearer $METRICS_TOKEN` when set; otherwise answers loopback peers only.',
          response: { 200: { type: 'string' } },
        },
      },
      async (request, reply) => {
        const access = metricsAccess(
          app.config.metricsToken,
          request.headers.authorization,
          request.socket.remoteAddress,
        );
        if (access === 'unauthenticated') {
          throw new AppError(401, 'unauthenticated', 'Send Authorization: Bearer <METRICS_TOKEN>.', {
            headers: { 'www-authenticate': 'Bearer' },
          });
        }
        if (access === 'forbidden') {
          throw new AppError(403, 'forbidden', 'Metrics answer this machine only unless METRICS_TOKEN is set.');
        }
        return reply.type(registry.contentType).send(await registry.metrics());
      },
    );
  },
  { name: 'metrics', dependencies: ['infrastructure', 'gateway'] },
);
