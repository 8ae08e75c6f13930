import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** Resolves when a dependency answers; rejects (or hangs) when it does not. */
export type ReadinessCheck = () => Promise<void>;

/** The dependencies the app needs to serve, by name (eventStore, database…). */
export type ReadinessChecks = Record<string, ReadinessCheck>;

/** A few facts about a part that does not decide readiness (a payment provider's circuit). */
export type ReadinessDetail = Record<string, string | number | boolean>;

/** Shown beside the checks, by name; a detail that fails or hangs is left out (and logged). */
export type ReadinessDetails = Record<string, () => ReadinessDetail | Promise<ReadinessDetail>>;

export interface HealthRoutesOptions {
  checks: ReadinessChecks;
  /**
   * Extra state for whoever looks at the probe, never a reason for a 503: HTTP commands do not need
   * the payment provider, so its open circuit must not take the app out of a load balancer.
   */
  details?: ReadinessDetails;
  /** Bound on each check, so a hung dependency makes the probe fail rather than hang. */
  checkTimeoutMs?: number;
}

/** How long a probe should wait before asking again after a 503. */
const retryAfterSeconds = 5;

const checkStatus = z.enum(['ok', 'unavailable']);
const detail = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const readiness = z.object({
  status: checkStatus,
  checks: z.record(z.string(), checkStatus),
  details: z.record(z.string(), detail).optional(),
});

/**
 * `/health/live`: the process runs (200 as long as it can answer at all).
 * `/health/ready`: 200 only when every dependency answers, else 503 with Retry-After. The body names which
 * check failed; the reason goes to the log only, not to whoever probes. With any `details`, the body also
 * carries them, whatever the status.
 */
export const healthRoutes: FastifyPluginAsyncZod<HealthRoutesOptions> = async (app, options) => {
  const timeoutMs = options.checkTimeoutMs ?? 2_000;

  // Probes hit these every few seconds: log them only when something goes wrong.
  app.get(
    '/health/live',
    { logLevel: 'warn', schema: { response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/health/ready',
    { logLevel: 'warn', schema: { response: { 200: readiness, 503: readiness } } },
    async (request, reply) => {
      // Started first so that they take no longer than the checks they run beside. Without any, the body
      // stays as it always was.
      const collecting = options.details && Object.keys(options.details).length > 0 ? collectDetails(options.details, timeoutMs, request.log) : undefined;
      const results = await Promise.all(
        Object.entries(options.checks).map(async ([name, check]) => {
          try {
            await withTimeout(check(), timeoutMs);
            return [name, 'ok'] as const;
          } catch (error) {
            request.log.warn({ check: name, err: error }, 'readiness check failed');
            return [name, 'unavailable'] as const;
          }
        }),
      );
      const checks = Object.fromEntries(results);
      const details = collecting ? { details: await collecting } : {};

      if (Object.values(checks).every((status) => status === 'ok')) return { status: 'ok' as const, checks, ...details };
      return reply.code(503).header('retry-after', String(retryAfterSeconds)).send({ status: 'unavailable', checks, ...details });
    },
  );
};

async function collectDetails(
  details: ReadinessDetails,
  timeoutMs: number,
  log: FastifyBaseLogger,
): Promise<Record<string, ReadinessDetail>> {
  const collected = await Promise.all(
    Object.entries(details).map(async ([name, read]) => {
      try {
        return [[name, await withTimeout(Promise.resolve().then(read), timeoutMs)] as const];
      } catch (error) {
        log.warn({ detail: name, err: error }, 'readiness detail unavailable');
        return [];
      }
    }),
  );
  return Object.fromEntries(collected.flat());
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
