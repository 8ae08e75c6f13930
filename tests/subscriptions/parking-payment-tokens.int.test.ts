import { v4 as uuid } from 'uuid';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../infra/postgres/migrations.ts';
import { buildApp } from '../../infra/http/build-app.ts';
import { retryParked, type Reaction } from '../../infra/subscriptions/index.ts';
import { fulfillmentProjection } from '../../projections/fulfillment/fulfillment-projection.ts';
import { projectionsRoutes } from '../../query-api/projections/projections-routes.ts';
import { eventually, logger, pool, start, store } from './counter-projection.ts';
import { startReaction, useReactionTestbed } from './recording-reaction.ts';

useReactionTestbed('parking_payment_tokens');
beforeAll(() => migrate(pool, fulfillmentProjection.migrations, logger));

const orderPlaced = (orderId: string, token: string) => ({
  id: uuid(),
  type: 'OrderPlaced',
  data: { orderId, customerId: 'customer-1', lines: [{ sku: 'MUG-1', quantity: 1, unitPrice: 500 }], total: 500, currency: 'EUR', payment: { token } },
});
const paymentRequested = (orderId: string, token: string, amount = 500) => ({
  id: uuid(),
  type: 'PaymentRequested',
  data: { orderId, amount, currency: 'EUR', token },
});

/** The operations routes as the query API mounts them, for one reaction. */
async function operationsApp(reaction: Reaction) {
  const app = await buildApp({
    logger,
    readinessChecks: {},
    registerServices: async (instance) => {
      await instance.register(projectionsRoutes, { pool, eventStore: store, projections: [], reactions: [reaction], runners: new Map(), logger });
    },
  });
  await app.ready();
  return app;
}

async function storedCopies(name: string): Promise<string> {
  const { rows } = await pool.query<{ row: string }>('SELECT row_to_json(dead_letters)::text AS row FROM dead_letters WHERE name = $1', [name]);
  return rows.map((row) => row.row).join('\n');
}

async function startsAtHead(name: string): Promise<void> {
  await pool.query('INSERT INTO checkpoints (name, position, epoch) VALUES ($1, $2, 0)', [name, (await store.headPosition()).toString()]);
}

describe('a parked event that carries a payment token', () => {
  it('is stored without the token by a projection, and a retry from that copy still applies it', async () => {
    await startsAtHead(fulfillmentProjection.name);
    const runner = start(fulfillmentProjection);
    const orderId = uuid();
    const token = `tok_${uuid()}`;
    // The database refuses this one saga, as a broken migration or constraint would.
    await pool.query(`
      CREATE FUNCTION refuse_saga() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.order_id = '${orderId}' THEN RAISE EXCEPTION 'saga refused'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_saga BEFORE INSERT OR UPDATE ON fulfillment_sagas FOR EACH ROW EXECUTE FUNCTION refuse_saga();
    `);
    await store.append(`fulfillment-${orderId}`, [paymentRequested(orderId, token)], 'no_stream');
    await eventually(() => runner.status().parkedKeys.includes(orderId));
    await runner.stop();

    const stored = await storedCopies(fulfillmentProjection.name);
    expect(stored).toContain(orderId);
    expect(stored).not.toContain(token);

    await pool.query('DROP TRIGGER refuse_saga ON fulfillment_sagas; DROP FUNCTION refuse_saga();');
    expect(await retryParked(pool, fulfillmentProjection, logger, { key: orderId })).toEqual({ replayed: 1, stillParked: [] });
    const { rows } = await pool.query('SELECT type FROM fulfillment_steps WHERE order_id = $1', [orderId]);
    expect(rows).toEqual([{ type: 'PaymentRequested' }]);
  });

  it('is stored without the token by a reaction, and a retry over HTTP hands the handler the token from the event store', async () => {
    const received: string[] = [];
    let failing = true;
    const reaction: Reaction = {
      name: `token_reaction_${uuid().slice(0, 8)}`,
      handles: ['OrderPlaced', 'PaymentRequested'],
      key: ({ event }) => ('orderId' in event.data ? event.data.orderId : ''),
      async handle({ event }) {
        // A provider's error may well quote the token it refused.
        if (failing) throw new Error(`the provider refused ${event.type === 'OrderPlaced' ? event.data.payment.token : 'the request'}`);
        if (event.type === 'OrderPlaced') received.push(event.data.payment.token);
        if (event.type === 'PaymentRequested') received.push(event.data.token);
      },
    };
    await startsAtHead(reaction.name);
    const runner = startReaction(reaction);
    const orderId = uuid();
    const token = `tok_${uuid()}`;
    await store.append(`order-${orderId}`, [orderPlaced(orderId, token)], 'no_stream');
    await store.append(`fulfillment-${orderId}`, [paymentRequested(orderId, token)], 'no_stream');
    await eventually(async () => (await pool.query('SELECT 1 FROM dead_letters WHERE name = $1', [reaction.name])).rowCount === 2);
    await runner.stop();

    const stored = await storedCopies(reaction.name);
    expect(stored).toContain(orderId);
    expect(stored).not.toContain(token);

    failing = false;
    const app = await operationsApp(reaction);
    try {
      const retried = await app.inject({ method: 'POST', url: `/projections/${reaction.name}/retry`, payload: { key: orderId } });
      expect(retried.json()).toEqual({ projection: reaction.name, replayed: 2, stillParked: [] });
    } finally {
      await app.close();
    }
    expect(received).toEqual([token, token]);
  });
});
