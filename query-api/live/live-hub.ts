import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Logger } from '../../infra/logger.ts';
import { NotificationListener } from '../../infra/postgres/notification-listener.ts';
import { backoffDelay, sleepUnlessAborted } from '../../infra/subscriptions/backoff.ts';
import { parseChangeAnnouncement, type ChangeAnnouncement } from './change-announcement.ts';
import { refetchFrame, updateFrames } from './live-frames.ts';
import type { LiveMetrics } from './live-metrics.ts';
import { liveSources, type LiveRow, type LiveSource, type LiveTopic } from './live-topics.ts';

/** Where frames for one client go; it bounds its own buffer (and drops itself when a client stops reading). */
export interface LiveSubscriber {
  send(frame: Buffer): void;
}

/** A client's subscription to one topic, as the connection holds it. */
export interface LiveSubscription {
  /** Resolves once the subscription is live (after its resume frames, when it had `fromPosition`). */
  ready: Promise<void>;
  close(): void;
}

/** Why a row is being sent: the change heard for it (absent when a resynchronisation found it). */
interface HeardChange {
  position: bigint;
  appendedAt: number | undefined;
  heardAt: number;
}

const channel = 'projection_changes';

/**
 * Fans the runners' row announcements out to websocket subscribers, in this process only: one LISTEN
 * connection; each changed row is read once (coalesced to its latest state while a read is under way)
 * and the same frame goes to every subscriber of it. Reads, resumes and resynchronisations run one at a
 * time, so a subscriber is registered between two reads and what it is sent stays in order per row:
 *
 * - a row is read after its announcement, so it is at least as new; a row read newer than the change
 *   heard for it was announced too and is not sent twice (`sentAhead`);
 * - a resume sends every row changed after `fromPosition` from the read-model tables themselves (each
 *   row carries the position of its last change), then registers the subscriber; rows it sent are
 *   remembered per subscriber (`floor`) until the fan-out has read every change up to them;
 * - after the connection comes back, rows changed since the last change heard are read again: what
 *   happened meanwhile is sent, or `refetch` when too much did.
 */
export class LiveHub {
  private readonly keyed = new Map<LiveSource, Map<string, Set<HubSubscription>>>();
  private readonly everyRow = new Map<LiveSource, Set<HubSubscription>>();
  private pending = new Map<LiveSource, Map<string, HeardChange>>();
  /** Highest position announced per source: every change up to it has been heard. */
  private readonly heard = new Map<LiveSource, bigint>();
  /** Where a resynchronisation starts: the last change heard, or the checkpoint when the connection was made. */
  private readonly resyncFrom = new Map<LiveSource, bigint>();
  private readonly sentAhead = new Map<LiveSource, Map<string, bigint>>();
  private readonly jobs: (() => Promise<void>)[] = [];
  private working: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private readonly listener: NotificationListener;
  private readonly bySourceName = new Map(liveSources.map((source) => [source.announced, source]));

  constructor(
    private readonly options: {
      pool: pg.Pool;
      logger: Logger;
      metrics: LiveMetrics;
      /** Most rows a resume (or a resynchronisation) sends; beyond, `refetch`. */
      resumeLimit: number;
      /** Most bytes a resume sends at once; beyond, `refetch` (a client's send buffer is bounded). */
      resumeMaxBytes: number;
    },
  ) {
    this.listener = new NotificationListener({
      pool: options.pool,
      logger: options.logger,
      channels: [channel],
      applicationName: 'live-fan-out',
      onNotification: (_channel, payload) => {
        const change = parseChangeAnnouncement(payload);
        if (change) this.hear(change);
        else options.logger.warn({ channel, payload: payload.slice(0, 200) }, 'malformed change announcement ignored');
      },
      onListening: (client) => this.resynchronise(client),
    });
  }

  /**
   * Subscribes `subscriber` to `topic`. With `fromPosition`, it is first sent the latest state of each
   * row changed after it (or `refetch` when more than the resume limit did), then live updates.
   */
  subscribe(subscriber: LiveSubscriber, topic: LiveTopic, fromPosition?: bigint): LiveSubscription {
    const subscription = new HubSubscription(subscriber, topic, fromPosition);
    if (fromPosition === undefined) {
      this.register(subscription);
      return { ready: Promise.resolve(), close: () => this.unregister(subscription) };
    }
    const ready = new Promise<void>((resolve, reject) => {
      this.enqueue(async () => {
        if (subscription.closed) return resolve();
        try {
          await this.resume(subscription, fromPosition);
          resolve();
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    return { ready, close: () => this.unregister(subscription) };
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.listener.stop();
    await this.working;
  }

  get subscriptionCount(): number {
    let count = 0;
    for (const subscribers of this.keyed.values()) for (const set of subscribers.values()) count += set.size;
    for (const set of this.everyRow.values()) count += set.size;
    return count;
  }

  private async resume(subscription: HubSubscription, fromPosition: bigint): Promise<void> {
    const { source, key, name } = subscription.topic;
    const rows = await source.changed(this.options.pool, {
      after: fromPosition,
      ...(key === undefined ? {} : { keys: [key] }),
      limit: this.options.resumeLimit + 1,
    });
    if (subscription.closed) return;
    const frames = rows.map((row) => updateFrames(row).forTopic(name));
    const bytes = frames.reduce((sum, frame) => sum + frame.length, 0);
    // Too much to send at once would look like a client that does not read: refetch instead.
    if (rows.length > this.options.resumeLimit || bytes > this.options.resumeMaxBytes) subscription.subscriber.send(refetchFrame(name));
    else {
      rows.forEach((row, index) => {
        if (!subscription.accepts(row)) return;
        // The fan-out may still read this row for a change it heard (or will hear): not for this subscriber.
        subscription.floor?.set(row.key, row.position);
        subscription.subscriber.send(frames[index] as Buffer);
      });
    }
    this.register(subscription);
  }

  private hear(change: ChangeAnnouncement): void {
    const source = this.bySourceName.get(change.topic);
    if (!source) return; // a read model nobody can subscribe to (products, payments)
    if (change.position > (this.heard.get(source) ?? -1n)) this.heard.set(source, change.position);
    if (change.position > (this.resyncFrom.get(source) ?? -1n)) this.resyncFrom.set(source, change.position);
    const ahead = this.sentAhead.get(source);
    const sent = ahead?.get(change.key);
    if (sent !== undefined) {
      if (change.position <= sent) {
        if (change.position === sent) ahead?.delete(change.key);
        return;
      }
      ahead?.delete(change.key);
    }
    if (!this.watched(source, change.key)) return;
    let changes = this.pending.get(source);
    if (!changes) this.pending.set(source, (changes = new Map()));
    const earlier = changes.get(change.key);
    if (earlier && earlier.position >= change.position) return;
    changes.set(change.key, { position: change.position, appendedAt: change.appendedAt, heardAt: performance.now() });
    this.wake();
  }

  private watched(source: LiveSource, key: string): boolean {
    return (this.everyRow.get(source)?.size ?? 0) > 0 || this.keyed.get(source)?.has(key) === true;
  }

  private enqueue(job: () => Promise<void>): void {
    this.jobs.push(job);
    this.wake();
  }

  private wake(): void {
    if (this.working || this.stopping.signal.aborted) return;
    this.working = this.work().finally(() => {
      this.working = undefined;
      if ((this.pending.size > 0 || this.jobs.length > 0) && !this.stopping.signal.aborted) this.wake();
    });
  }

  /** Reads and jobs one at a time, alternating, until there is nothing left to do. */
  private async work(): Promise<void> {
    // Announcements of one commit arrive together: let them all in before the first read.
    await new Promise((resolve) => setImmediate(resolve));
    for (let failures = 0; !this.stopping.signal.aborted; ) {
      if (this.pending.size > 0) {
        failures = (await this.readAndSend()) ? 0 : failures + 1;
        if (failures > 0) await sleepUnlessAborted(backoffDelay(failures - 1, 100, 5_000), this.stopping.signal);
      }
      const job = this.jobs.shift();
      if (job) await job();
      else if (this.pending.size === 0) return;
    }
  }

  /** Reads every pending row once and sends it; false when a read failed (its changes stay pending). */
  private async readAndSend(): Promise<boolean> {
    const batch = this.pending;
    this.pending = new Map();
    const heardBefore = new Map(this.heard);
    const outcomes = await Promise.all(
      [...batch].map(async ([source, changes]) => {
        const keys = [...changes.keys()];
        try {
          const rows = await source.changed(this.options.pool, { keys, limit: keys.length });
          for (const row of rows) this.send(source, row, changes.get(row.key));
          return true;
        } catch (error) {
          this.options.logger.warn({ err: error, topic: source.announced, rows: keys.length }, 'live fan-out could not read changed rows; retrying');
          this.putBack(source, changes);
          return false;
        }
      }),
    );
    // After a failed read some of those changes are pending again: floors must stay until they are read.
    const allRead = outcomes.every(Boolean);
    if (allRead) this.forgetFloorsUpTo(heardBefore);
    return allRead;
  }

  private putBack(source: LiveSource, changes: Map<string, HeardChange>): void {
    let pending = this.pending.get(source);
    if (!pending) this.pending.set(source, (pending = new Map()));
    for (const [key, change] of changes) {
      const later = pending.get(key);
      if (!later || later.position < change.position) pending.set(key, change);
    }
  }

  /** Sends one row's state to its subscribers; `heard` is the change it was read for, if any. */
  private send(source: LiveSource, row: LiveRow, heard: HeardChange | undefined): void {
    let ahead = this.sentAhead.get(source);
    const sentAlready = ahead?.get(row.key);
    if (sentAlready !== undefined && row.position <= sentAlready) return;
    if (heard === undefined || row.position > heard.position) {
      if (!ahead) this.sentAhead.set(source, (ahead = new Map()));
      // Bounded: entries leave when their announcement is heard; one never heard (lost while the
      // connection was down) would otherwise stay. Forgetting costs at most one repeated frame.
      if (ahead.size >= 100_000) ahead.clear();
      ahead.set(row.key, row.position);
    }
    const frames = updateFrames(row);
    let sent = 0;
    for (const subscription of [...(this.keyed.get(source)?.get(row.key) ?? []), ...(this.everyRow.get(source) ?? [])]) {
      if (!subscription.accepts(row)) continue;
      subscription.subscriber.send(frames.forTopic(subscription.topic.name));
      sent++;
    }
    if (sent > 0 && heard) this.options.metrics.observeSent({ topic: source.announced, appendedAt: heard.appendedAt, heardAt: heard.heardAt, frames: sent });
  }

  /**
   * A resumed subscriber's floor entry matters until the fan-out has read every change it heard up to the
   * entry's position: every later read is for a newer change, so it finds a newer row.
   */
  private forgetFloorsUpTo(heardBefore: Map<LiveSource, bigint>): void {
    for (const [source, subscriptions] of this.everyRow) {
      const heard = heardBefore.get(source);
      if (heard === undefined) continue;
      for (const subscription of subscriptions) subscription.forgetFloorUpTo(heard);
    }
  }

  /**
   * Runs on the listening connection right after each (re)connection. The first time, it notes where the
   * read models stand; after a reconnection it queues a read of everything that changed while nothing
   * listened (from the last change heard, or from where the read models stood at the last connection).
   */
  private async resynchronise(client: pg.PoolClient): Promise<void> {
    const { rows } = await client.query<{ name: string; position: string }>(
      'SELECT name, position::text AS position FROM checkpoints WHERE position IS NOT NULL AND name = ANY($1::text[])',
      [liveSources.map((source) => source.projection)],
    );
    const checkpoints = new Map(rows.map((row) => [row.name, BigInt(row.position)]));
    const since = new Map(this.resyncFrom);
    for (const source of liveSources) {
      const checkpoint = checkpoints.get(source.projection) ?? 0n;
      if (checkpoint > (this.resyncFrom.get(source) ?? -1n)) this.resyncFrom.set(source, checkpoint);
    }
    if (since.size > 0) this.enqueue(() => this.catchUp(since));
  }

  private async catchUp(since: Map<LiveSource, bigint>): Promise<void> {
    for (const [source, after] of since) {
      for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
        try {
          await this.catchUpSource(source, after);
          break;
        } catch (error) {
          this.options.logger.warn({ err: error, topic: source.announced }, 'live fan-out could not read what changed while it was disconnected; retrying');
          await sleepUnlessAborted(backoffDelay(attempt, 100, 5_000), this.stopping.signal);
        }
      }
    }
  }

  private async catchUpSource(source: LiveSource, after: bigint): Promise<void> {
    const found = new Map<string, LiveRow>();
    const keys = [...(this.keyed.get(source)?.keys() ?? [])];
    if (keys.length > 0) for (const row of await source.changed(this.options.pool, { after, keys, limit: keys.length })) found.set(row.key, row);
    const everyRow = this.everyRow.get(source);
    if (everyRow && everyRow.size > 0) {
      const changed = await source.changed(this.options.pool, { after, limit: this.options.resumeLimit + 1 });
      if (changed.length > this.options.resumeLimit) {
        for (const subscription of everyRow) subscription.subscriber.send(refetchFrame(subscription.topic.name));
      } else for (const row of changed) found.set(row.key, row);
    }
    for (const row of [...found.values()].sort((a, b) => (a.position < b.position ? -1 : 1))) this.send(source, row, undefined);
  }

  private register(subscription: HubSubscription): void {
    if (subscription.closed) return;
    const { source, key } = subscription.topic;
    if (key === undefined) {
      let set = this.everyRow.get(source);
      if (!set) this.everyRow.set(source, (set = new Set()));
      set.add(subscription);
      return;
    }
    let byKey = this.keyed.get(source);
    if (!byKey) this.keyed.set(source, (byKey = new Map()));
    let set = byKey.get(key);
    if (!set) byKey.set(key, (set = new Set()));
    set.add(subscription);
  }

  private unregister(subscription: HubSubscription): void {
    subscription.closed = true;
    const { source, key } = subscription.topic;
    if (key === undefined) {
      this.everyRow.get(source)?.delete(subscription);
      return;
    }
    const byKey = this.keyed.get(source);
    const set = byKey?.get(key);
    set?.delete(subscription);
    if (set?.size === 0) byKey?.delete(key);
  }
}

/**
 * One subscriber's view of one topic: what it has been sent decides what it may be sent next, so it
 * never gets a row older than (or equal to) one it already has.
 */
class HubSubscription {
  closed = false;
  /** One row: the position last sent (or `fromPosition`). */
  private lastSent: bigint;
  /** Every row: rows a resume sent before the fan-out heard of them (see LiveHub). */
  readonly floor: Map<string, bigint> | undefined;

  constructor(
    readonly subscriber: LiveSubscriber,
    readonly topic: LiveTopic,
    private readonly fromPosition: bigint | undefined,
  ) {
    this.lastSent = fromPosition ?? -1n;
    this.floor = topic.key === undefined ? new Map() : undefined;
  }

  /** Whether `row` is news to this subscriber; if so, it counts as sent. */
  accepts(row: LiveRow): boolean {
    if (this.floor === undefined) {
      if (row.position <= this.lastSent) return false;
      this.lastSent = row.position;
      return true;
    }
    if (this.fromPosition !== undefined && row.position <= this.fromPosition) return false;
    const floor = this.floor.get(row.key);
    return floor === undefined || row.position > floor;
  }

  forgetFloorUpTo(position: bigint): void {
    if (!this.floor || this.floor.size === 0) return;
    for (const [key, floor] of this.floor) if (floor <= position) this.floor.delete(key);
  }
}
