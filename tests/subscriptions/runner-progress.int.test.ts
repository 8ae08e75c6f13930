import { describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger.ts';
import { checkpointOf, eventually, freshProjection, newProduct, start, useRunnerTestbed } from './counter-projection.ts';

useRunnerTestbed('runner_progress');

/** A logger whose lines the test reads. */
function capturedLogger() {
  const lines: Array<{ msg: string; handled?: number; eventsPerSecond?: number; position?: string }> = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

describe('a runner catching up', () => {
  it('logs its progress while behind, and once when it reaches the head', async () => {
    const projection = await freshProjection();
    let last: bigint = 0n;
    for (let product = 0; product < 30; product++) last = (await newProduct(3)).position;

    const { logger, lines } = capturedLogger();
    start(projection, { logger, batchSize: 20, progressEveryMs: 0 });
    await eventually(async () => (await checkpointOf(projection.name)) >= last);
    await eventually(() => lines.some((line) => line.msg === 'projection caught up'));

    const progress = lines.filter((line) => line.msg === 'projection catching up');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.map((line) => line.handled)).toEqual([...progress.map((line) => line.handled)].sort((a, b) => a! - b!));
    expect(progress.every((line) => typeof line.eventsPerSecond === 'number' && line.position !== undefined)).toBe(true);
    const caughtUp = lines.filter((line) => line.msg === 'projection caught up');
    expect(caughtUp).toHaveLength(1);
    expect(caughtUp[0]!.handled).toBeGreaterThanOrEqual(120);
  });
});
