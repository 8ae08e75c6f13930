import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempotencyStore, requestHashOf } from '../../../command-services/shared/idempotency/index.ts';
import { createLogger } from '../../../infra/logger.ts';
import { coreMigrations } from '../../../infra/postgres/migrations/index.ts';
import { migrate } from '../../../infra/postgres/migrations.ts';
import { createPgPool } from '../../../infra/postgres/pool.ts';
import { createFreshDatabase, type FreshDatabase } from '../../postgres/fresh-database.ts';
import { testEnvironment } from '../../support/environment.ts';

const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });
let database: FreshDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createFreshDatabase(testEnvironment().databaseUrl, 'idempotency_store');
  pool = createPgPool({ url: database.url, logger });
  await migrate(pool, coreMigrations, logger);
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

const route = 'POST /things/:id {"id":"s-1"}';
const hash = requestHashOf({ quantity: 1 });
const answer = { status: 201, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"ok":true}' };
/** Rows for a key, found the way the store finds them: by sha256(route NUL key). */
const rowCount = async (key: string) => {
  const keyHash = createHash('sha256').update(`${route}\u0000${key}`).digest();
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM idempotency_keys WHERE key_hash = $1', [keyHash]);
  return rows[0]?.n;
};

describe('a key claimed by a holder', () => {
  it('replays to a duplicate that was waiting when the holder completes', async () => {
    const store = createIdempotencyStore(pool, { logger });
    const key = randomUUID();
    const claim = await store.begin(route, key, hash);
    if (claim.kind !== 'claimed') throw new Error(`expected a claim, got ${claim.kind}`);

    const waiting = store.begin(route, key, hash, { waitMs: 5_000 });
    await sleep(100);
    expect(await store.complete(route, key, claim.token, answer)).toBe(true);
    expect(await waiting).toEqual({ kind: 'replay', status: 201, headers: answer.headers, body: Buffer.from(answer.body) });
  });

  it('refuses another body at once, even while pending', async () => {
    const store = createIdempotencyStore(pool, { logger });
    const key = randomUUID();
    await store.begin(route, key, hash);
    expect(await store.begin(route, key, requestHashOf({ quantity: 2 }), { waitMs: 5_000 })).toEqual({ kind: 'mismatch' });
  });

  it('is free again once released, and only its holder can release it', async () => {
    const store = createIdempotencyStore(pool, { logger });
    const key = randomUUID();
    const claim = await store.begin(route, key, hash);
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    expect(claim.tookOver).toBe(false);
    await store.release(route, key, randomUUID());
    expect(await store.begin(route, key, hash)).toEqual({ kind: 'busy' });
    await store.release(route, key, claim.token);
    // The next request with the key is told that the released run may have appended before it failed.
    expect(await store.begin(route, key, hash)).toMatchObject({ kind: 'claimed', tookOver: true });
    expect(await rowCount(key)).toBe('1');
  });

  it('still refuses another body once released: the released run may have appended for the first one', async () => {
    const store = createIdempotencyStore(pool, { logger });
    const key = randomUUID();
    const claim = await store.begin(route, key, hash);
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    await store.release(route, key, claim.token);
    expect(await store.begin(route, key, requestHashOf({ quantity: 2 }))).toEqual({ kind: 'mismatch' });
  });
});

describe('a holder that crashed (its lease expired)', () => {
  it('is taken over by the same request, and its late answer is not stored', async () => {
    const store = createIdempotencyStore(pool, { logger, leaseMs: 100 });
    const key = randomUUID();
    const crashed = await store.begin(route, key, hash);
    if (crashed.kind !== 'claimed') throw new Error('expected a claim');
    await sleep(150);

    const successor = await store.begin(route, key, hash);
    expect(successor).toMatchObject({ kind: 'claimed', tookOver: true });
    if (successor.kind !== 'claimed') throw new Error('expected a claim');

    expect(await store.complete(route, key, crashed.token, { ...answer, body: 'late' })).toBe(false);
    expect(await store.complete(route, key, successor.token, answer)).toBe(true);
    expect(await store.begin(route, key, hash)).toMatchObject({ kind: 'replay', body: Buffer.from(answer.body) });
  });

  it('is not taken over by a request with another body: the key belongs to the first body', async () => {
    const store = createIdempotencyStore(pool, { logger, leaseMs: 50 });
    const key = randomUUID();
    await store.begin(route, key, hash);
    await sleep(100);
    expect(await store.begin(route, key, requestHashOf({ quantity: 9 }))).toEqual({ kind: 'mismatch' });
  });
});

describe('purging', () => {
  it('removes answers older than the retention and keeps recent ones and live leases', async () => {
    const keeper = createIdempotencyStore(pool, { logger });
    const purger = createIdempotencyStore(pool, { logger, retentionMs: 50 });
    const [done, live] = [randomUUID(), randomUUID()];
    const claim = await keeper.begin(route, done, hash);
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    await keeper.complete(route, done, claim.token, answer);
    await keeper.begin(route, live, hash); // pending, lease of 30 s
    await sleep(100);

    expect(await keeper.purgeExpired()).toBe(0); // 24 h retention: too young
    await purger.purgeExpired();
    expect(await rowCount(done)).toBe('0');
    expect(await rowCount(live)).toBe('1');
    expect((await keeper.begin(route, done, hash)).kind).toBe('claimed');
  });

  it('runs periodically until stopped', async () => {
    const purger = createIdempotencyStore(pool, { logger, retentionMs: 10 });
    const key = randomUUID();
    const claim = await purger.begin(route, key, hash);
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    await purger.complete(route, key, claim.token, answer);

    const stop = purger.startPurging(20);
    try {
      await expect.poll(() => rowCount(key), { timeout: 2_000 }).toBe('0');
    } finally {
      await stop();
    }
  });
});
