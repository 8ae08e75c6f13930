import { afterAll, describe, expect, it } from 'vitest';
import { createEventStore } from '../../infra/event-store/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { probeQuietTail } from '../../infra/subscriptions/quiet-tail.ts';
import { testEnvironment } from '../support/environment.ts';

const eventStore = createEventStore({ url: testEnvironment().esdbUrl, logger: createLogger({ level: 'silent' }) });
afterAll(() => eventStore.close());

describe('a quiet-tail probe asked for by a runner that is already stopping', () => {
  it('answers nothing at once instead of waiting out its own timeout (a minute here, past the test timeout)', async () => {
    const stopped = AbortSignal.abort();
    await expect(probeQuietTail(eventStore, ['NoSuchEventType'], 'start', 60_000, stopped)).resolves.toBeUndefined();
  });
});
