import type { Logger } from '../logger.ts';

/**
 * Long work shows progress: while a runner is behind, a log line every `everyMs` with the events handled
 * and the rate, and one line when it reaches the head. /projections and /metrics give the distance.
 */
export class CatchUpProgress {
  private readonly started = performance.now();
  private lastLine = this.started;
  private handled = 0;
  private handledSinceLine = 0;

  constructor(
    private readonly logger: Logger,
    private readonly everyMs = 10_000,
    /** Names the runner in the lines: 'projection catching up', 'reaction caught up'. */
    private readonly kind: 'projection' | 'reaction' = 'projection',
  ) {}

  committed(events: number, position: bigint | undefined): void {
    this.handled += events;
    this.handledSinceLine += events;
    const now = performance.now();
    if (now - this.lastLine < this.everyMs) return;
    const eventsPerSecond = Math.round(this.handledSinceLine / ((now - this.lastLine) / 1000));
    this.logger.info({ handled: this.handled, eventsPerSecond, position: position?.toString(10) }, `${this.kind} catching up`);
    this.lastLine = now;
    this.handledSinceLine = 0;
  }

  caughtUp(position: bigint | undefined): void {
    const seconds = Math.round((performance.now() - this.started) / 100) / 10;
    this.logger.info({ handled: this.handled, seconds, position: position?.toString(10) }, `${this.kind} caught up`);
  }
}
