import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import type { EventStore } from '../../infra/event-store/index.ts';
import { errorEnvelope } from '../../infra/http/error-envelope.ts';
import { serviceErrorHandler } from '../../infra/http/error-handler.ts';
import type { Logger } from '../../infra/logger.ts';
import {
  describeProjections,
  retryParked,
  retryParkedReaction,
  type Reaction,
  type RetryOutcome,
  type SubscriptionRunner,
} from '../../infra/subscriptions/index.ts';
import type { Projection } from '../../projections/index.ts';
import { ResourceNotFoundError } from '../shared/not-found.ts';
import { queryErrorAnswer } from '../shared/query-errors.ts';

export interface ProjectionsRoutesOptions {
  pool: pg.Pool;
  eventStore: EventStore;
  projections: readonly Projection[];
  /** The reactions of the configuration (default none): listed and retried like projections. */
  reactions?: readonly Reaction[];
  /** The runners of this process, of both kinds (their live state); groups run elsewhere show 'elsewhere'. */
  runners: ReadonlyMap<string, SubscriptionRunner>;
  logger: Logger;
}

const parkedKey = z.object({ key: z.string(), events: z.number().int(), firstPosition: z.string(), error: z.string() });

const projectionStatus = z
  .object({
    name: z.string(),
    kind: z.enum(['projection', 'reaction']).optional().describe('a reaction appends events (the saga) instead of writing rows'),
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
    parkedKeyCount: z.number().int(),
    parkedKeys: z.array(parkedKey),
  })
  .meta({ id: 'ProjectionStatus' });

const projectionName = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be a projection name');

/** Operations on the subscription groups: each projection's and reaction's progress and parked keys, and replaying them. */
export const projectionsRoutes: FastifyPluginAsyncZod<ProjectionsRoutesOptions> = async (app, options) => {
  app.setErrorHandler(serviceErrorHandler(queryErrorAnswer));
  const reactions = options.reactions ?? [];
  // Replays a group's parked keys (one, or all when key is undefined): a projection's rows, a reaction's handler.
  type Retry = (logger: Logger, options: { key?: string }) => Promise<RetryOutcome>;
  const retries = new Map<string, Retry>([
    ...options.projections.map((projection): [string, Retry] => [projection.name, (logger, o) => retryParked(options.pool, projection, logger, o)]),
    ...reactions.map((reaction): [string, Retry] => [reaction.name, (logger, o) => retryParkedReaction(options.pool, reaction, logger, { ...o, eventStore: options.eventStore })]),
  ]);

  app.get(
    '/projections',
    {
      schema: {
        tags: ['operations'],
        summary: "Each projection's and reaction's checkpoint, lag behind $all, state and parked keys",
        response: { 200: z.object({ projections: z.array(projectionStatus) }), 503: errorEnvelope },
      },
    },
    async () => ({ projections: await describeProjections({ ...options, reactions }) }),
  );

  app.post(
    '/projections/:name/retry',
    {
      schema: {
        tags: ['operations'],
        summary: 'Replay the parked events of a projection or reaction (of one key, or of every key), in order',
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
      const name = request.params.name;
      const retry = retries.get(name);
      if (!retry) throw new ResourceNotFoundError('projection', name);
      const key = request.body?.key;
      const outcome = await retry(options.logger.child({ projection: name }), key === undefined ? {} : { key });
      request.log.info({ projection: name, key, ...outcome }, 'parked events retried');
      return { projection: name, ...outcome };
    },
  );
};
