import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempotencyStore, requestHashOf } from '../../../command-services/shared/idempotency/index.ts';
import { createLogger } from '../../../infra/logger.ts';
import { coreMigrations } from '../../../infra/postgres/migrations/index.ts';
import { migrate } from '../../../infra/postgres/migrations.ts';
import { createPgPool } from '../../../infra/postgres/pool.ts';
import { createFreshDatabase, type FreshDatabase } from '../../postgres/fresh-database.ts';
import { testEnvironment } from '../../support/environment.ts';
import { buildTestApp } from './test-app.ts';

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });
let database: FreshDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createFreshDatabase(testEnvironment().databaseUrl, 'idempotency_plugin');
  pool = createPgPool({ url: database.url, logger, max: 20 });
  await migrate(pool, coreMigrations, logger);
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

/** A fresh app and store on the test database, closed after `use`. */
async function withApp<T>(
  use: (setup: ReturnType<typeof buildTestApp>) => Promise<T>,
  options: { leaseMs?: number; waitMs?: number; handlerMs?: number; pool?: pg.Pool } = {},
): Promise<T> {
  const store = createIdempotencyStore(options.pool ?? pool, { logger, ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}) });
  const setup = buildTestApp({ store, logger, ...options });
  try {
    return await use(setup);
  } finally {
    await setup.app.close();
  }
}

const post = (url: string, payload: object, key?: string | string[]) => ({
  method: 'POST' as const,
  url,
  payload,
  headers: key === undefined ? {} : { 'idempotency-key': key },
});

/** What a client sees: the replay marker aside, a replay must equal the first answer. */
const answerOf = (response: { statusCode: number; headers: Record<string, unknown>; body: string }) => ({
  status: response.statusCode,
  body: response.body,
  contentType: response.headers['content-type'],
  location: response.headers['location'],
  position: response.headers['es-position'],
});

describe('a command sent with an Idempotency-Key', () => {
  it('runs once for 20 concurrent duplicates, which all get the same answer', async () => {
    await withApp(async ({ app, invocations }) => {
      const key = randomUUID();
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => app.inject(post('/things/a-1', { quantity: 3 }, key))),
      );

      expect(invocations.count).toBe(1);
      const answers = responses.map(answerOf);
      expect(answers[0]).toMatchObject({ status: 201, location: '/things/a-1', position: '1001' });
      for (const answer of answers) expect(answer).toEqual(answers[0]);
      expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    });
  });

  it('gives the handler the key and an id seed scoped to the route and its parameters', async () => {
    await withApp(async ({ app }) => {
      const key = randomUUID();
      const response = await app.inject(post('/things/a-2', { quantity: 1 }, key));
      expect(response.json().idempotency).toEqual({ key, idSeed: `POST /things/:id {"id":"a-2"}\u0000${key}`, mayHaveRunBefore: false });
    });
  });

  it('replays for the same body written with its keys in another order', async () => {
    await withApp(async ({ app, invocations }) => {
      const key = randomUUID();
      const first = await app.inject(post('/things/a-3', { quantity: 2, note: 'x' }, key));
      const again = await app.inject(post('/things/a-3', { note: 'x', quantity: 2 }, key));
      expect(invocations.count).toBe(1);
      expect(answerOf(again)).toEqual(answerOf(first));
    });
  });

  it('answers 422 when the key comes back with a different body, and runs nothing', async () => {
    await withApp(async ({ app, invocations }) => {
      const key = randomUUID();
      await app.inject(post('/things/a-4', { quantity: 1 }, key));
      const reused = await app.inject(post('/things/a-4', { quantity: 2 }, key));
      expect(reused.statusCode).toBe(422);
      expect(reused.json()).toEqual({ error: 'idempotency_key_reused', message: expect.any(String) });
      expect(invocations.count).toBe(1);
    });
  });

  it('treats the same key on two URLs as two commands', async () => {
    await withApp(async ({ app, invocations }) => {
      const key = randomUUID();
      const one = await app.inject(post('/things/b-1', { quantity: 1 }, key));
      const two = await app.inject(post('/things/b-2', { quantity: 1 }, key));
      expect([one.statusCode, two.statusCode]).toEqual([201, 201]);
      expect(invocations.count).toBe(2);
    });
  });

  it('replays the stored answer after a restart (a new store and app on the same database)', async () => {
    const key = randomUUID();
    const first = await withApp(({ app }) => app.inject(post('/things/c-1', { quantity: 5 }, key)));
    await withApp(async ({ app, invocations }) => {
      const replay = await app.inject(post('/things/c-1', { quantity: 5 }, key));
      expect(invocations.count).toBe(0);
      expect(answerOf(replay)).toEqual(answerOf(first));
      expect(replay.headers['idempotent-replayed']).toBe('true');
    });
  });

  it('stores a refusal (409) too: it is a decision', async () => {
    await withApp(async ({ app, invocations }) => {
      const key = randomUUID();
      const first = await app.inject(post('/conflict', { quantity: 1 }, key));
      const again = await app.inject(post('/conflict', { quantity: 1 }, key));
      expect(first.statusCode).toBe(409);
      expect(answerOf(again)).toEqual(answerOf(first));
      expect(invocations.count).toBe(1);
    });
  });

  it('does not store a 409 that carries Retry-After (a concurrency conflict): the retry runs again', async () => {
    await withApp(async ({ app, invocations }) => {
      const key = randomUUID();
      await app.inject(post('/busy', { quantity: 1 }, key));
      const again = await app.inject(post('/busy', { quantity: 1 }, key));
      expect(again.statusCode).toBe(409);
      expect(again.headers['idempotent-replayed']).toBeUndefined();
      expect(invocations.count).toBe(2);
    });
  });

  it('does not store a 5xx: the retry runs the command again, and its success is stored', async () => {
    await withApp(async ({ app, invocations }) => {
      invocations.flakyFailures = 1;
      const key = randomUUID();
      const failed = await app.inject(post('/flaky/d-1', { quantity: 1 }, key));
      expect(failed.statusCode).toBe(503);
      const retried = await app.inject(post('/flaky/d-1', { quantity: 1 }, key));
      expect(retried.statusCode).toBe(201);
      // The failed run may have appended before failing: the retry is told to look for its events.
      expect(retried.json().idempotency).toMatchObject({ key, mayHaveRunBefore: true });
      const replayed = await app.inject(post('/flaky/d-1', { quantity: 1 }, key));
      expect(answerOf(replayed)).toEqual(answerOf(retried));
      expect(invocations.count).toBe(2);
    });
  });

  it('takes over the key of a holder that crashed once its lease has expired', async () => {
    await withApp(
      async ({ app, invocations }) => {
        const key = randomUUID();
        const crashed = createIdempotencyStore(pool, { logger, leaseMs: 300 });
        const route = 'POST /things/:id {"id":"e-1"}';
        const claim = await crashed.begin(route, key, requestHashOf({ quantity: 1 }));
        expect(claim.kind).toBe('claimed');

        // Waits for the lease to run out (the default wait of 5 s is longer), then runs the command.
        const response = await app.inject(post('/things/e-1', { quantity: 1 }, key));
        expect(response.statusCode).toBe(201);
        expect(response.json().idempotency).toMatchObject({ key, mayHaveRunBefore: true });
        expect(invocations.count).toBe(1);
      },
    );
  });

  it('answers 409 with Retry-After while another request still holds the key after the wait', async () => {
    await withApp(
      async ({ app, invocations }) => {
        const key = randomUUID();
        const holder = createIdempotencyStore(pool, { logger });
        await holder.begin('POST /things/:id {"id":"f-1"}', key, requestHashOf({ quantity: 1 }));
        const response = await app.inject(post('/things/f-1', { quantity: 1 }, key));
        expect(response.statusCode).toBe(409);
        expect(response.headers['retry-after']).toBe('1');
        expect(response.json()).toEqual({ error: 'idempotency_key_in_use', message: expect.any(String) });
        expect(invocations.count).toBe(0);
      },
      { waitMs: 150 },
    );
  });
});

describe('a client that hangs up while its command runs', () => {
  it('gets the answer on retry: the command finishes and its answer is stored', async () => {
    await withApp(
      async ({ app, invocations }) => {
        const address = await app.listen({ port: 0, host: '127.0.0.1' });
        const key = randomUUID();
        const request = httpRequest(`${address}/things/k-1`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
        });
        const failed = once(request, 'error');
        request.end(JSON.stringify({ quantity: 1 }));
        await expect.poll(() => invocations.count).toBe(1);
        request.destroy(); // closes the socket mid-command
        await failed;

        // The retry waits for the running command, then replays its answer.
        const retry = await app.inject(post('/things/k-1', { quantity: 1 }, key));
        expect(retry.statusCode).toBe(201);
        expect(retry.headers['idempotent-replayed']).toBe('true');
        expect(invocations.count).toBe(1);
      },
      { handlerMs: 300 },
    );
  });
});

describe('the Idempotency-Key header', () => {
  const everyVisibleAscii = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('');

  it.each([
    ['255 characters long', 'k'.repeat(255)],
    ['made of every visible ASCII character', everyVisibleAscii],
  ])('works when %s', async (_, key) => {
    await withApp(async ({ app, invocations }) => {
      const first = await app.inject(post('/things/g-1', { quantity: 1 }, key));
      const again = await app.inject(post('/things/g-1', { quantity: 1 }, key));
      expect(first.statusCode).toBe(201);
      expect(first.json().idempotency.key).toBe(key);
      expect(answerOf(again)).toEqual(answerOf(first));
      expect(invocations.count).toBe(1);
    });
  });

  it.each([
    ['empty', ''],
    ['256 characters long', 'k'.repeat(256)],
    ['with a space', 'two words'],
    ['not ASCII', 'clé'],
  ])('is refused with 400 and the error envelope when %s', async (_, key) => {
    await withApp(async ({ app, invocations }) => {
      const response = await app.inject(post('/things/h-1', { quantity: 1 }, key));
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: 'invalid_idempotency_key',
        message: expect.any(String),
        details: [{ path: 'headers.idempotency-key', message: expect.any(String) }],
      });
      expect(invocations.count).toBe(0);
    });
  });

  it('is refused with 400 when sent twice: there is no telling which key was meant', async () => {
    await withApp(async ({ app }) => {
      const response = await app.inject(post('/things/h-2', { quantity: 1 }, ['one', 'two']));
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_idempotency_key', message: expect.stringMatching(/one Idempotency-Key/) });
    });
  });

  it('is ignored by routes that do not opt in', async () => {
    await withApp(async ({ app, invocations }) => {
      const key = randomUUID();
      await app.inject(post('/plain/i-1', { quantity: 1 }, key));
      const again = await app.inject(post('/plain/i-1', { quantity: 1 }, key));
      expect(again.json().idempotency).toBeNull();
      expect(invocations.count).toBe(2);
    });
  });
});

describe('a database that cannot be reached', () => {
  const unreachable = () => createPgPool({ url: 'postgres://postgres:postgres@127.0.0.1:1/none', logger, connectionTimeoutMs: 1_000 });

  it('is never asked when the request has no Idempotency-Key', async () => {
    const deadPool = unreachable();
    try {
      await withApp(
        async ({ app, invocations }) => {
          const response = await app.inject(post('/things/j-1', { quantity: 1 }));
          expect(response.statusCode).toBe(201);
          expect(response.json().idempotency).toBeNull();
          expect(invocations.count).toBe(1);
          expect(deadPool.totalCount).toBe(0);
        },
        { pool: deadPool },
      );
    } finally {
      await deadPool.end();
    }
  });

  it('makes a keyed request fail with DatabaseUnavailableError (503), before the command runs', async () => {
    const deadPool = unreachable();
    try {
      await withApp(
        async ({ app, invocations }) => {
          const response = await app.inject(post('/things/j-2', { quantity: 1 }, randomUUID()));
          expect(response.statusCode).toBe(503);
          expect(response.json().error).toBe('database_unavailable');
          expect(invocations.count).toBe(0);
        },
        { pool: deadPool },
      );
    } finally {
      await deadPool.end();
    }
  });
});
