import { resolve } from 'node:path';
import { z } from 'zod';

const serviceNames = ['catalog', 'inventory', 'orders', 'payments', 'fulfillment', 'projections', 'query'] as const;
export type ServiceName = (typeof serviceNames)[number];

const blankAsUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const integer = (min: number, max: number) =>
  z.preprocess(blankAsUndefined, z.coerce.number().int().min(min).max(max));

const configSchema = z.object({
  ESDB_URL: z.preprocess(blankAsUndefined, z.string().regex(/^(esdb|esdb\+discover|kurrentdb|kurrent):\/\//, 'must be an esdb:// connection string').optional()),
  DATABASE_URL: z.preprocess(blankAsUndefined, z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional()),
  PORT: integer(0, 65535).default(3000),
  HOST: z.preprocess(blankAsUndefined, z.string().default('0.0.0.0')),
  DATA_DIR: z.preprocess(blankAsUndefined, z.string().default('./.data')).transform((dir) => resolve(dir)),
  SERVICES: z
    .preprocess(blankAsUndefined, z.string().default('all'))
    .transform((list, ctx) => {
      if (list === 'all') return [...serviceNames];
      const names = list.split(',').map((name) => name.trim()).filter(Boolean);
      for (const name of names) {
        if (!(serviceNames as readonly string[]).includes(name)) {
          ctx.addIssue({ code: 'custom', message: `unknown service "${name}"; known: ${serviceNames.join(', ')}` });
          return z.NEVER;
        }
      }
      return [...new Set(names)] as ServiceName[];
    }),
  LOG_LEVEL: z.preprocess(blankAsUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  PAYMENT_SLOW_MS: integer(0, 600_000).default(3000),
  FULFILLMENT_TIMEOUT_MS: integer(1, 86_400_000).default(30_000),
  /** Longest one SQL statement of a request may run (0: no bound); the runners' pool has none. */
  DATABASE_STATEMENT_TIMEOUT_MS: integer(0, 3_600_000).default(30_000),
  /** Longest a client may take to send a whole request (fastify's requestTimeout; 0: no bound). */
  HTTP_REQUEST_TIMEOUT_MS: integer(0, 3_600_000).default(30_000),
  /** Most HTTP commands in line for one stream in one process, the running one included; more answer 503. */
  COMMAND_QUEUE_LIMIT: integer(1, 1_000_000).default(1000),
  /** Topics one /live socket may follow at once. */
  LIVE_MAX_SUBSCRIPTIONS: integer(1, 10_000).default(100),
  /** Bytes waiting to be sent to one /live socket beyond which the client, which is not reading, is dropped. */
  LIVE_MAX_BUFFERED_BYTES: integer(16_384, 1_073_741_824).default(4 * 1024 * 1024),
  /** How often /live clients are pinged; one that misses a whole interval is dropped. */
  LIVE_PING_INTERVAL_MS: integer(100, 3_600_000).default(30_000),
  /** Rows a /live resume (fromPosition) sends at most; beyond, the client is told to refetch. */
  LIVE_RESUME_LIMIT: integer(1, 100_000).default(1000),
});

export type Config = z.infer<typeof configSchema>;

/** How /live treats its clients (LIVE_*). */
export interface LiveSettings {
  maxSubscriptions: number;
  maxBufferedBytes: number;
  pingIntervalMs: number;
  resumeLimit: number;
}

export const liveSettings = (config: Config): LiveSettings => ({
  maxSubscriptions: config.LIVE_MAX_SUBSCRIPTIONS,
  maxBufferedBytes: config.LIVE_MAX_BUFFERED_BYTES,
  pingIntervalMs: config.LIVE_PING_INTERVAL_MS,
  resumeLimit: config.LIVE_RESUME_LIMIT,
});

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
  }
}

/** Reads and validates the environment once; everything else receives the typed result. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}
