import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** Resolves when a dependency answers; rejects (or hangs) when it does not. */
export type ReadinessCheck = () => Promise<void>;

/** The dependencies the app needs to serve, by name (eventStore, database…). */
export type ReadinessChecks = Record<string, ReadinessCheck>;

export interface HealthRoutesOptions {
  checks: ReadinessChecks;
  /** Bound on each check, so a hung dependency makes the probe fail rather than hang. */
  checkTimeoutMs?: number;
}

/** How long a probe should wait before asking again after a 503. */
const retryAfterSeconds = 5;

const checkStatus = z.enum(['ok', 'unavailable']);
const readiness = z.object({ status: checkStatus, checks: z.record(z.string(), checkStatus) });

/**
 * `/health/live`: the process runs (200 as long as it can answer at all).
 * `/health/ready`: 200 only when every dependency answers, else 503 with Retry-After. The body names which
 * check failed; the reason goes to the log only, not to whoever probes.
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

      if (Object.values(checks).every((status) => status === 'ok')) return { status: 'ok' as const, checks };
      return reply.code(503).header('retry-after', String(retryAfterSeconds)).send({ status: 'unavailable', checks });
    },
  );
};

async function withTimeout(check: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
