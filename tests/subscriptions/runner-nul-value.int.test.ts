import { describe, expect, it } from 'vitest';
import { v4 as uuid } from 'uuid';
import type { Projection } from '../../projections/projection.ts';
import {
  countOf,
  counterProjection,
  eventually,
  freshProjection,
  newProduct,
  pool,
  productAdded,
  start,
  store,
} from './counter-projection.ts';
import { useRunnerTestbed } from './counter-projection.ts';

useRunnerTestbed('runner_nul_value');

/** The counter projection, except that for the listed streams it writes a key holding NUL. */
function withNulFor(projection: Projection, streams: Set<string>): Projection {
  const counter = counterProjection(projection.name);
  return {
    ...counter,
    apply: (event) => {
      const applied = counter.apply(event);
      if (!streams.has(event.streamName)) return applied;
      const [first] = applied.statements;
      return { ...applied, statements: [{ ...first!, values: [first!.values[0], `${event.streamName}\u0000`, first!.values[2]] }] };
    },
  };
}

describe('an event whose statement carries a value with NUL', () => {
  it('is parked, instead of being retried for ever, and later events of other keys flow', async () => {
    const sick = `product-sku-${uuid()}`;
    const projection = withNulFor(await freshProjection(), new Set([sick]));
    const runner = start(projection);
    await store.append(sick, [productAdded(sick.slice('product-'.length))], 'no_stream');
    const healthy = await newProduct(1);

    await eventually(() => runner.status().parkedKeys.includes(sick), 20_000);
    await eventually(async () => (await countOf(projection.name, healthy.stream)) === 2, 20_000);
    const { rows } = await pool.query<{ key: string }>('SELECT key FROM dead_letters WHERE name = $1', [projection.name]);
    expect(rows.map((row) => row.key)).toEqual([sick]);
    expect(runner.status().state).not.toBe('disconnected');
    await runner.stop();
  });
});
