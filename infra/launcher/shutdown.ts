import type { Logger } from '../logger.ts';

/**
 * The order things stop in. Each phase ends before the next begins, so nothing stops while something that
 * uses it still runs: first no new requests, then no background work, then no connections, then the
 * servers those connections went to, PostgreSQL last.
 */
export const stopOrder = ['http', 'workers', 'clients', 'esdb-dev', 'postgres'] as const;
export type StopPhase = (typeof stopOrder)[number];

interface Step {
  name: string;
  stop: () => Promise<void>;
  timeoutMs: number;
}

/** Unless told otherwise, a part gets this long to stop before the shutdown moves on without it. */
const defaultStopTimeoutMs = 10_000;

/** Collects how to stop each part as it starts, then stops them all in `stopOrder`. */
export class Shutdown {
  private readonly steps = new Map<StopPhase, Step[]>();
  private running: Promise<boolean> | undefined;

  constructor(private readonly logger: Logger) {}

  /** Registers how to stop something that has just started; parts of one phase stop concurrently. */
  add(phase: StopPhase, name: string, stop: () => Promise<void>, timeoutMs = defaultStopTimeoutMs): void {
    this.steps.set(phase, [...(this.steps.get(phase) ?? []), { name, stop, timeoutMs }]);
  }

  /** Stops everything registered, once; resolves true when every part stopped in time and without error. */
  run(): Promise<boolean> {
    return (this.running ??= this.stopAll());
  }

  private async stopAll(): Promise<boolean> {
    let clean = true;
    for (const phase of stopOrder) {
      const outcomes = await Promise.all((this.steps.get(phase) ?? []).map((step) => this.stopOne(phase, step)));
      clean &&= outcomes.every(Boolean);
    }
    return clean;
  }

  /** A part that hangs must not keep the rest running: past its time, log it and move on. */
  private async stopOne(phase: StopPhase, { name, stop, timeoutMs }: Step): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not stop within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([stop(), timeout]);
      this.logger.debug({ phase, part: name }, 'stopped');
      return true;
    } catch (error) {
      this.logger.error({ phase, part: name, err: error }, 'failed to stop');
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
