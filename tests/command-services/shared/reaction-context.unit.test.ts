import { describe, expect, it } from 'vitest';
import { deriveId } from '../../../command-services/shared/command-context.ts';
import { ConcurrencyConflictError } from '../../../command-services/shared/handle-command.ts';
import { isTransient } from '../../../command-services/shared/is-transient.ts';
import { reactionContext } from '../../../command-services/shared/reaction-context.ts';
import { EventStoreUnavailableError, StreamDeletedError } from '../../../infra/event-store/index.ts';

const eventId = '5d0c7a4e-8a53-4c1e-9d7f-2f0a3b1c9e11';

describe('the context of a command caused by an event', () => {
  it("keeps the flow's correlation id and idempotency key, is caused by the event and derives ids from it", () => {
    const context = reactionContext({ id: eventId, metadata: { correlationId: 'req-1', causationId: 'req-1', idempotencyKey: 'key-1' } });

    expect(context).toEqual({ correlationId: 'req-1', causationId: eventId, idempotencyKey: 'key-1', idSeed: eventId });
    expect(context.lookForEarlierRun).toBeUndefined();
  });

  it('starts a flow of its own when the event carries no usable correlation id, and drops a malformed key', () => {
    expect(reactionContext({ id: eventId, metadata: { correlationId: 42, idempotencyKey: 'has space' } })).toEqual({
      correlationId: eventId,
      causationId: eventId,
      idSeed: eventId,
    });
  });

  it('seeds each purpose apart, for a reaction that runs two commands on one stream per event', () => {
    const first = reactionContext({ id: eventId, metadata: {} }, 'release');
    const second = reactionContext({ id: eventId, metadata: {} }, 'reject');

    expect(first.idSeed).toBe(deriveId(eventId, 'release'));
    expect(second.idSeed).not.toBe(first.idSeed);
  });
});

describe('which failures of a reaction are transient', () => {
  it('retries an unreachable store, a stream that kept moving, a transient database error and an abort', () => {
    expect(isTransient(new EventStoreUnavailableError('down'))).toBe(true);
    expect(isTransient(new ConcurrencyConflictError('payment-1', 5))).toBe(true);
    expect(isTransient({ code: '08006' })).toBe(true);
    expect(isTransient(new DOMException('stopping', 'AbortError'))).toBe(true);
  });

  it("parks anything that is the event's own problem", () => {
    expect(isTransient(new StreamDeletedError('payment-1'))).toBe(false);
    expect(isTransient({ code: '23505' })).toBe(false);
    expect(isTransient(new Error('bad data'))).toBe(false);
  });
});
