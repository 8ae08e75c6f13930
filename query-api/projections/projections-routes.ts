import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import type { EventStore } from '../../infra/event-store/index.ts';
import { errorEnvelope } from '../../infra/http/error-envelope.ts';
import type { Logger } from '../../infra/logger.ts';
import { describeProjections, retryParked, type ProjectionRunner } from '../../infra/subscriptions/index.ts';
import type { Projection } from '../../projections/index.ts';
import { ResourceNotFoundError } from '../shared/not-found.ts';

export interface ProjectionsRoutesOptions {
  pool: pg.Pool;
  eventStore: EventStore;
  projections: readonly Projection[];
  /** The runners of this process (their live state); projections run elsewhere show 'elsewhere'. */
  runners: ReadonlyMap<string, ProjectionRunner>;
  logger: Logger;
}

const parkedKey = z.object({ key: z.string(), events: z.number().int(), firstPosition: z.string(), error: z.string() });

const projectionStatus = z
  .object({
    name: z.string(),
    state: z.enum(['standby', 'running', 'catching-up', 'live', 'disconnected', 'stopped', 'elsewhere']),
    checkpoint: z.string().nullable().describe('Last `$all` position considered; null: nothing yet'),
    checkpointUpdatedAt: z.string().nullable(),
    lag: z
      .object({
        events: z.number().int(),
        eventsAtLeast: z.boolean().describe('the count stopped at its cap'),
        seconds: z.number().describe('age of the oldest event not yet considered'),
      })
      .nullable()
      .describe('null when the event store does not answer'),
    disconnectedSince: z.string().nullable(),
    stoppedBecause: z.string().optional(),
    parkedKeyCount: z.number().int(),
    parkedKeys: z.array(parkedKey),
  })
  .meta({ id: 'ProjectionStatus' });

const projectionName = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be a projection name');

/** Operations on the read side: each projection's progress and parked keys, and replaying them. */
export const projectionsRoutes: FastifyPluginAsyncZod<ProjectionsRoutesOptions> = async (app, options) => {
  const byName = new Map(options.projections.map((projection) => [projection.name, projection]));

  app.get(
    '/projections',
    {
      schema: {
        tags: ['operations'],
        summary: "Each projection's checkpoint, lag behind $all, state and parked keys",
        response: { 200: z.object({ projections: z.array(projectionStatus) }), 503: errorEnvelope },
      },
    },
    async () => ({ projections: await describeProjections(options) }),
  );

  app.post(
    '/projections/:name/retry',
    {
      schema: {
        tags: ['operations'],
        summary: 'Replay the parked events of a projection (of one key, or of every key), in order',
        params: z.strictObject({ name: projectionName }),
        body: z.strictObject({ key: z.string().min(1).max(1000).optional() }).nullish(),
        response: {
          200: z.object({
            projection: z.string(),
            replayed: z.number().int().describe('dead letters applied'),
            stillParked: z.array(z.string()).describe('keys whose first event failed again'),
          }),
          400: errorEnvelope,
          404: errorEnvelope,
          503: errorEnvelope,
        },
      },
    },
    async (request) => {
      const projection = byName.get(request.params.name);
      if (!projection) throw new ResourceNotFoundError('projection', request.params.name);
      const key = request.body?.key;
      const outcome = await retryParked(options.pool, projection, options.logger.child({ projection: projection.name }), {
        ...(key === undefined ? {} : { key }),
      });
      request.log.info({ projection: projection.name, key, ...outcome }, 'parked events retried');
      return { projection: projection.name, ...outcome };
    },
  );
};
