import { setTimeout as sleep } from 'node:timers/promises';
import type { SeededRandom } from '../../../reliability/support/seeded-random.ts';
import { request, type WireAnswer } from './saga-http.ts';

/** One order of the workload, drawn from the seed before any traffic. */
export interface OrderPlan {
  index: number;
  customerId: string;
  lines: Array<{ sku: string; quantity: number }>;
  token: string;
  /** Ask to cancel this long after the order is acknowledged; none: never. */
  cancelAfterMs?: number;
}

export interface TrafficMix {
  count: number;
  skus: readonly string[];
  /** Picked uniformly: repeat a token to weigh it. */
  tokens: readonly string[];
  /** Share of orders their customer asks to cancel, shortly after placing them. */
  cancelShare: number;
}

/** The whole workload from the seed: lines (one to three distinct skus, 1–3 units), token, cancellation. */
export function planOrders(random: SeededRandom, mix: TrafficMix): OrderPlan[] {
  return Array.from({ length: mix.count }, (_, index) => {
    const skus = random.sample(mix.skus, random.pick([1, 1, 2, 2, 3]));
    return {
      index,
      customerId: `customer-${random.int(1, 40)}`,
      lines: skus.map((sku) => ({ sku, quantity: random.int(1, 3) })),
      token: random.pick(mix.tokens),
      ...(random.chance(mix.cancelShare) ? { cancelAfterMs: random.int(0, 2_500) } : {}),
    };
  });
}

export interface Acknowledged {
  orderId: string;
  plan: OrderPlan;
  /** Date.now() when the 201 came. */
  at: number;
}

export interface TrafficOutcome {
  /** Orders answered 201, by id. */
  acknowledged: Map<string, Acknowledged>;
  /** Plans that got no 201: what came instead (status 0: no answer). */
  unacknowledged: Array<{ plan: OrderPlan; answer: WireAnswer }>;
  /** Every cancellation asked for, and its answer. */
  cancellations: Array<{ orderId: string; answer: WireAnswer }>;
  /** Date.now() of the last 201. */
  lastAcknowledgedAt: number;
}

export interface TrafficOptions {
  plans: readonly OrderPlan[];
  concurrency: number;
  /**
   * Where to send the next request: the current base URL of the HTTP process, once it answers (a
   * restarted launcher listens on a new port). Awaited before every request.
   */
  target(): Promise<string>;
  /** Called after each 201, with how many there were so far (a kill schedule may go by them). */
  onAcknowledged?(count: number): void;
  /** The orders are spread over at least this long (the i-th leaves no sooner than i/count of it), whatever the machine's speed. */
  minDurationMs?: number;
}

/**
 * Places the planned orders over HTTP, `concurrency` at a time, and asks for the planned cancellations
 * meanwhile. A request that gets no answer is not retried (the next plan goes on): whether its order was
 * recorded is for the event store to say.
 */
export async function driveOrders(options: TrafficOptions): Promise<TrafficOutcome> {
  const outcome: TrafficOutcome = { acknowledged: new Map(), unacknowledged: [], cancellations: [], lastAcknowledgedAt: 0 };
  const cancelling: Array<Promise<void>> = [];
  const startedAt = Date.now();
  const spacingMs = (options.minDurationMs ?? 0) / options.plans.length;
  let next = 0;
  const worker = async () => {
    while (next < options.plans.length) {
      const position = next++;
      const plan = options.plans[position]!;
      const due = startedAt + position * spacingMs - Date.now();
      if (due > 0) await sleep(due);
      const baseUrl = await options.target();
      const answer = await request(baseUrl, 'POST', '/orders', { customerId: plan.customerId, lines: plan.lines, payment: { token: plan.token } });
      if (answer.status !== 201) {
        outcome.unacknowledged.push({ plan, answer });
        continue;
      }
      const { orderId } = answer.body as { orderId: string };
      outcome.acknowledged.set(orderId, { orderId, plan, at: Date.now() });
      outcome.lastAcknowledgedAt = Date.now();
      options.onAcknowledged?.(outcome.acknowledged.size);
      if (plan.cancelAfterMs !== undefined) {
        const delay = plan.cancelAfterMs;
        cancelling.push(
          (async () => {
            await sleep(delay);
            const cancelAnswer = await request(await options.target(), 'POST', `/orders/${orderId}/cancel`, { reason: 'changed my mind' });
            outcome.cancellations.push({ orderId, answer: cancelAnswer });
          })(),
        );
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  await Promise.all(cancelling);
  return outcome;
}
