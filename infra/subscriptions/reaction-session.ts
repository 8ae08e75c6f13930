import { addAbortListener, setMaxListeners } from 'node:events';
import type pg from 'pg';
import type { RecordedEvent, SubscriptionMessage } from '../event-store/index.ts';
import { keyOf } from './apply-or-park.ts';
import { withTimeout } from './batch-reader.ts';
import { CheckpointCommitter } from './checkpoint-committer.ts';
import { deliverReactionEvent, type DeliveryContext } from './deliver-reaction-event.ts';
import { KeyLanes } from './key-lanes.ts';
import { ParkedKeys } from './parked-keys.ts';
import { PositionWindow } from './position-window.ts';
import type { ProjectionMetrics } from './projection-metrics.ts';
import type { Reaction } from './reaction.ts';
import type { Session } from './subscription-runner.ts';

export interface ReactionSessionOptions {
  reaction: Reaction;
  pool: pg.Pool;
  metrics: ProjectionMetrics | undefined;
  maxInFlight: number;
  commitIntervalMs: number;
  idleProbeMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  isTransient(error: unknown): boolean;
}

/**
 * A reaction's session. Events go to per-key lanes (one at a time per key, in `$all` order; keys
 * concurrently); the checkpoint follows the safe position of the window (never past an unfinished event)
 * and is committed by the committer, off the hot path. Reading pauses while `maxInFlight` events lie
 * above the committed checkpoint. However the session ends, its handlers are aborted and awaited before
 * it returns, so a new session never runs a key while an old handler of it still does.
 */
export function consumeReaction(options: ReactionSessionOptions): (session: Session) => Promise<void> {
  const { reaction, pool, metrics } = options;
  const handled = new Set<string>(reaction.handles);
  return async (session) => {
    const { lease, subscription, stopping, state, logger } = session;
    // Aborted by stop(), the loss of the lock or a failure: handlers are told, and the read loop ends.
    const ending = new AbortController();
    // Every handler in flight (up to maxInFlight) may listen to it: not a leak, so no warning.
    setMaxListeners(0, ending.signal);
    const window = new PositionWindow(lease.from === 'start' ? undefined : lease.from);
    const lanes = new KeyLanes();
    const parked = new ParkedKeys(state.current.parkedKeys, (keys) => (state.current.parkedKeys = keys));
    let failure: unknown;
    const end = () => {
      ending.abort();
      committer.interrupt();
      void subscription.close().catch(() => undefined);
    };
    const fail = (error: unknown) => {
      failure ??= error;
      end();
    };
    const committer = new CheckpointCommitter(pool, reaction.name, lease.epoch, window, options.commitIntervalMs, (commit) => {
      metrics?.checkpointCommitted(reaction.name, commit.events, commit.newestCreatedAtMs, commit.seconds);
      state.committed(commit.events, commit.position);
      state.stepped(true, false);
    }, fail);
    const context: DeliveryContext = { ...options, logger, signal: ending.signal, parked };

    const dispatch = (event: RecordedEvent) => {
      const slot = window.deliver(event.position, event.createdAt);
      const keyed = keyOf(reaction, event);
      lanes.run(keyed.key, async () => {
        try {
          if ((await deliverReactionEvent(keyed, context)) && window.finish(slot)) committer.poke();
        } catch (error) {
          fail(error); // a bug of the runner's own: never leave an event unfinished silently
        }
      });
    };
    const take = (message: SubscriptionMessage) => {
      if (message.kind === 'caught-up') return state.stepped(false, true);
      // The server filter matches by prefix: an event type that merely starts like a handled one is skipped.
      if (message.kind === 'event' && handled.has(message.event.type)) dispatch(message.event);
      else if (window.checkpoint(message.kind === 'event' ? message.event.position : message.position)) committer.poke();
      if (state.current.state !== 'live') state.stepped(false, false);
    };

    const messages = subscription[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<SubscriptionMessage>> | undefined;
    const read = async () => {
      while (!ending.signal.aborted) {
        if (window.inFlight >= options.maxInFlight) {
          await committer.nextCommit();
          continue;
        }
        pending ??= messages.next();
        // Live, the wait is bounded even while handlers run: the last of them may finish while we wait,
        // and a quiet log would then send nothing to wake us for the probe of its tail.
        const live = state.current.state === 'live';
        const result = live ? await withTimeout(pending, options.idleProbeMs) : await pending;
        if (result === 'timeout') {
          if (!window.empty || ending.signal.aborted) continue;
          const quiet = await session.quietTail(window.safe);
          if (quiet !== undefined && window.quiet(quiet)) committer.poke();
          continue;
        }
        pending = undefined;
        if (result.done) return;
        take(result.value);
      }
    };

    // (addAbortListener: a signal aborted before the session began still ends it)
    const onStop = addAbortListener(stopping, end);
    const onLost = addAbortListener(lease.lost, end);
    const reconciling = setInterval(() => void parked.reconcile(pool, reaction.name, lanes, ending.signal).catch(() => undefined), 1_000);
    let readError: unknown;
    try {
      await read();
    } catch (error) {
      readError = error;
    }
    end();
    void pending?.catch(() => undefined); // closed with the subscription: its outcome no longer matters
    clearInterval(reconciling);
    onStop[Symbol.dispose]();
    onLost[Symbol.dispose]();
    await lanes.settled();
    try {
      await committer.close();
    } catch (error) {
      if (stopping.aborted) logger.warn({ err: error }, 'reaction: last checkpoint not committed');
      failure ??= error;
    }
    if (stopping.aborted) return;
    session.throwIfLost(); // (before a fenced commit: with the lock gone, wait for it again as a standby)
    if (failure !== undefined) throw failure;
    if (readError !== undefined) throw readError;
    throw new Error('the subscription ended on its own'); // reconnect, with backoff
  };
}
