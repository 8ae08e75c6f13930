import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/http/build-app.ts';
import { createProjectionMetrics, describeProjections, type SubscriptionRunner } from '../../infra/subscriptions/index.ts';
import { projectionsRoutes } from '../../query-api/projections/projections-routes.ts';
import { counterProjection } from './counter-projection.ts';
import {
  checkpointOf,
  deadLettersOf,
  eventually,
  freshReaction,
  logger,
  pool,
  productStream,
  seenOf,
  startReaction,
  store,
  useReactionTestbed,
  type RecordingReaction,
} from './recording-reaction.ts';

useReactionTestbed('reaction_status');

/** The operations routes as the query API mounts them, for one reaction (and a projection that never ran). */
async function operationsApp(reaction: RecordingReaction, runner: SubscriptionRunner) {
  const app = await buildApp({
    logger,
    readinessChecks: {},
    registerServices: async (instance) => {
      await instance.register(projectionsRoutes, {
        pool,
        eventStore: store,
        projections: [counterProjection('counter_elsewhere')],
        reactions: [reaction],
        runners: new Map([[reaction.name, runner]]),
        logger,
      });
    },
  });
  await app.ready();
  return app;
}

describe('a reaction on the operations view', () => {
  it('shows its checkpoint, lag, state and parked keys beside the projections', async () => {
    const reaction = await freshReaction();
    const sick = await productStream(1);
    reaction.poison.add(sick.stream);
    const runner = startReaction(reaction);
    const healthy = await productStream(1);
    await eventually(async () => (await checkpointOf(reaction.name)) >= healthy.positions[0]!);
    await eventually(() => runner.status().state === 'live');

    const runners = new Map([[reaction.name, runner]]);
    const [view] = await describeProjections({ pool, eventStore: store, projections: [], reactions: [reaction], runners });
    expect(view).toMatchObject({
      name: reaction.name,
      kind: 'reaction',
      state: 'live',
      parkedKeyCount: 1,
      parkedKeys: [{ key: sick.stream, events: 1, firstPosition: sick.positions[0]!.toString(), error: `poison ${sick.stream}` }],
    });
    expect(BigInt(view!.checkpoint!)).toBeGreaterThanOrEqual(healthy.positions[0]!);
    expect(view!.lag).not.toBeNull();
    await runner.stop();
  });

  it('is listed by GET /projections and replayed by POST /projections/:name/retry', async () => {
    const reaction = await freshReaction();
    const sick = await productStream(1);
    reaction.poison.add(sick.stream);
    const runner = startReaction(reaction);
    await eventually(async () => (await deadLettersOf(reaction.name, sick.stream)).length === 1);
    await eventually(() => runner.status().state === 'live');
    const app = await operationsApp(reaction, runner);
    try {
      const listed = (await app.inject('/projections')).json() as { projections: Array<{ name: string; kind?: string; state: string; parkedKeyCount: number }> };
      expect(listed.projections.map((group) => [group.name, group.kind])).toEqual([
        ['counter_elsewhere', 'projection'],
        [reaction.name, 'reaction'],
      ]);
      expect(listed.projections[1]).toMatchObject({ state: 'live', parkedKeyCount: 1 });

      reaction.poison.delete(sick.stream);
      const retried = await app.inject({ method: 'POST', url: `/projections/${reaction.name}/retry`, payload: { key: sick.stream } });
      expect(retried.statusCode).toBe(200);
      expect(retried.json()).toEqual({ projection: reaction.name, replayed: 1, stillParked: [] });
      expect(await seenOf(reaction.name, sick.stream)).toEqual(sick.positions);
      expect((await app.inject({ method: 'POST', url: '/projections/nothing_here/retry' })).statusCode).toBe(404);
    } finally {
      await app.close();
      await runner.stop();
    }
  });

  it('reports to the projection metrics under its name: state, checkpoint and events handled', async () => {
    const reaction = await freshReaction();
    const registry = new Registry();
    const metrics = createProjectionMetrics(registry, { headPosition: () => store.headPosition() });
    const runner = startReaction(reaction, { metrics });
    const stream = await productStream(3);
    await eventually(async () => (await checkpointOf(reaction.name)) >= stream.positions[2]!);
    const handled = (text: string) =>
      Number(new RegExp(`projection_events_handled_total\\{projection="${reaction.name}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    await eventually(async () => handled(await registry.metrics()) >= 3);
    const text = await registry.metrics();
    expect(text).toContain(`projection_state{projection="${reaction.name}",state="live"} 1`);
    expect(text).toMatch(new RegExp(`projection_checkpoint_position\\{projection="${reaction.name}"\\} \\d+`));
    await runner.stop();
    expect(await registry.metrics()).toContain(`projection_state{projection="${reaction.name}",state="stopped"} 1`);
  });
});
