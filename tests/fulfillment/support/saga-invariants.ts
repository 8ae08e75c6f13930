import type { EventStore } from '../../../infra/event-store/index.ts';

// DESIGN §4.7, checked against the event store itself (not the read models), in plain code that
// shares nothing with the deciders it judges: every order ends once, stock is never oversold and
// reserved stock is exactly what open reservations hold, no money stays with an order that was
// turned down, and nothing happened twice.

type Raw = { type: string; data: Record<string, unknown> };

const readAll = async (eventStore: EventStore, stream: string): Promise<Raw[]> =>
  (await eventStore.readStream(stream, (event) => event as Raw)).events.map((event) => event.decoded);

export type Terminal = 'confirmed' | 'rejected' | 'cancelled';

export interface SagaOutcomes {
  confirmed: number;
  rejected: Record<string, number>;
  cancelled: number;
  /** How each order that ended, ended (with the rejection's reason). */
  ended: Map<string, { status: Terminal; reason?: string }>;
  /** Orders not (yet) in a terminal state, whether their saga started or not. */
  open: string[];
  /**
   * Requests nobody answered (yet): a payment, a stock reservation, release or commit, a verdict. Empty
   * once a system has settled (every subscription at the head); anything left is stuck.
   */
  pending: string[];
  violations: string[];
}

const terminalTypes: Record<string, Terminal> = { OrderConfirmed: 'confirmed', OrderRejected: 'rejected', OrderCancelled: 'cancelled' };
/** The saga's request behind each terminal event of an order. */
const verdictRequestOf: Record<Terminal, string> = {
  confirmed: 'OrderConfirmationRequested',
  rejected: 'OrderRejectionRequested',
  cancelled: 'OrderCancellationApproved',
};
/** Saga events that happen at most once per order (the stock requests: at most once per line). */
const onceOnly = [
  'FulfillmentStarted',
  'FulfillmentDeadlineSet',
  'PaymentRequested',
  'RefundRequested',
  'FulfillmentTimedOut',
  'FulfillmentCompleted',
] as const;

const count = (events: Raw[], type: string, where: (data: Record<string, unknown>) => boolean = () => true) =>
  events.filter((event) => event.type === type && where(event.data)).length;

/** What the saga asked of the inventory for one order and sku. */
interface StockAsk {
  reserve: boolean;
  settle?: 'StockReleased' | 'StockCommitted';
}

/** Reads every stream of these orders and skus and lists what breaks an invariant. */
export async function checkSagaInvariants(
  eventStore: EventStore,
  { orderIds, skus }: { orderIds: readonly string[]; skus: readonly string[] },
): Promise<SagaOutcomes> {
  const outcomes: SagaOutcomes = { confirmed: 0, rejected: {}, cancelled: 0, ended: new Map(), open: [], pending: [], violations: [] };
  const violation = (message: string) => outcomes.violations.push(message);
  const terminalOf = new Map<string, string>();
  /** sku → order → what the saga asked. */
  const asked = new Map<string, Map<string, StockAsk>>();

  for (const orderId of orderIds) {
    const [order, saga, payment] = await Promise.all([
      readAll(eventStore, `order-${orderId}`),
      readAll(eventStore, `fulfillment-${orderId}`),
      readAll(eventStore, `payment-${orderId}`),
    ]);
    checkSagaStream(orderId, saga, payment, asked, outcomes);
    const terminals = order.filter((event) => event.type in terminalTypes);
    if (terminals.length > 1) violation(`order ${orderId} ended ${terminals.length} times`);
    const terminal = terminals[0];
    if (!terminal) {
      outcomes.open.push(orderId);
      continue;
    }
    terminalOf.set(orderId, terminal.type);
    const status = terminalTypes[terminal.type]!;
    outcomes.ended.set(orderId, { status, ...(status === 'rejected' ? { reason: String(terminal.data.reason) } : {}) });
    if (terminal.type === 'OrderConfirmed') outcomes.confirmed++;
    else if (terminal.type === 'OrderCancelled') outcomes.cancelled++;
    else {
      const reason = String(terminal.data.reason);
      outcomes.rejected[reason] = (outcomes.rejected[reason] ?? 0) + 1;
    }
    const completions = saga.filter((event) => event.type === 'FulfillmentCompleted');
    if (completions.length !== 1 || completions[0]?.data.outcome !== status) {
      violation(`saga of ${orderId} completed ${completions.length} times (${completions.map((e) => e.data.outcome).join(', ')}), order is ${terminal.type}`);
    }
    // The order ends only as the saga asked, and for the reason it gave.
    const request = saga.find((event) => event.type === verdictRequestOf[status]);
    if (!request) violation(`order ${orderId} is ${terminal.type} but its saga never asked for that`);
    else if (status === 'rejected' && request.data.reason !== terminal.data.reason) {
      violation(`order ${orderId} rejected as ${String(terminal.data.reason)}, its saga asked for ${String(request.data.reason)}`);
    }
    const authorizations = count(payment, 'PaymentAuthorized');
    const refunds = count(payment, 'PaymentRefunded');
    if (authorizations > 1 || refunds > 1) violation(`payment of ${orderId}: ${authorizations} authorizations, ${refunds} refunds`);
    if (terminal.type === 'OrderConfirmed' && (authorizations !== 1 || refunds !== 0)) {
      violation(`confirmed order ${orderId} has ${authorizations} authorizations and ${refunds} refunds`);
    }
    if (terminal.type !== 'OrderConfirmed' && authorizations !== refunds) {
      violation(`${terminal.type} order ${orderId} keeps an authorization (${authorizations} authorized, ${refunds} refunded)`);
    }
  }

  for (const sku of skus) {
    const events = await readAll(eventStore, `inventory-${sku}`);
    let onHand = 0;
    let reserved = 0;
    const open = new Map<string, number>();
    const answered = new Set<string>();
    const settled = new Map<string, string>();
    for (const { type, data } of events) {
      const orderId = String(data.orderId);
      const quantity = Number(data.quantity);
      if (type === 'StockReceived') onHand += quantity;
      else if (type === 'StockReserved' || type === 'StockReservationRejected') {
        if (answered.has(orderId)) violation(`${sku}: order ${orderId} answered twice (${type})`);
        answered.add(orderId);
        if (type === 'StockReserved') {
          reserved += quantity;
          open.set(orderId, quantity);
        }
      } else if (type === 'StockReleased' || type === 'StockCommitted') {
        const held = open.get(orderId);
        if (held === undefined) violation(`${sku}: ${type} of ${orderId}, which holds nothing (${settled.get(orderId) ?? 'never reserved'})`);
        else if (held !== quantity) violation(`${sku}: ${type} of ${quantity} for ${orderId}, which holds ${held}`);
        open.delete(orderId);
        settled.set(orderId, type);
        reserved -= quantity;
        if (type === 'StockCommitted') onHand -= quantity;
      }
      if (reserved > onHand || onHand < 0) violation(`${sku}: ${reserved} reserved of ${onHand} on hand after ${type} of ${orderId}`);
    }
    const openSum = [...open.values()].reduce((sum, quantity) => sum + quantity, 0);
    if (openSum !== reserved) violation(`${sku}: ${reserved} reserved but open reservations hold ${openSum}`);
    for (const [orderId, how] of settled) {
      const terminal = terminalOf.get(orderId);
      if (terminal === undefined) continue;
      const should = terminal === 'OrderConfirmed' ? 'StockCommitted' : 'StockReleased';
      if (how !== should) violation(`${sku}: order ${orderId} is ${terminal} but its stock was ${how}`);
    }
    for (const orderId of open.keys()) {
      if (terminalOf.has(orderId)) violation(`${sku}: ${terminalOf.get(orderId)} order ${orderId} still holds a reservation`);
    }
    for (const [orderId, ask] of asked.get(sku) ?? []) {
      if (ask.reserve && !answered.has(orderId)) outcomes.pending.push(`${sku}: reservation for ${orderId} never answered`);
      // A release of a line that was never reserved (the saga releases lines still unanswered) is rightly a no-op.
      if (ask.settle && open.has(orderId)) outcomes.pending.push(`${sku}: ${ask.settle} asked for ${orderId}, still reserved`);
    }
  }
  return outcomes;
}

/**
 * One saga's own stream: started once, each request made once (stock requests once per line), at most
 * one verdict asked for, and what it asked answered.
 */
function checkSagaStream(orderId: string, saga: Raw[], payment: Raw[], asked: Map<string, Map<string, StockAsk>>, outcomes: SagaOutcomes): void {
  const violation = (message: string) => outcomes.violations.push(message);
  for (const type of onceOnly) {
    const times = count(saga, type);
    if (times > 1) violation(`saga of ${orderId}: ${type} ${times} times`);
  }
  const verdicts = saga.filter((event) => Object.values(verdictRequestOf).includes(event.type));
  if (verdicts.length > 1) violation(`saga of ${orderId} asked for ${verdicts.length} verdicts: ${verdicts.map((e) => e.type).join(', ')}`);
  if (saga.length > 0 && saga[0]?.type !== 'FulfillmentStarted') violation(`saga of ${orderId} begins with ${saga[0]?.type}`);

  const lines = new Map<string, StockAsk>();
  for (const { type, data } of saga) {
    const sku = String(data.sku);
    if (type === 'StockReservationRequested') {
      if (lines.has(sku)) violation(`saga of ${orderId}: reservation of ${sku} requested twice`);
      lines.set(sku, { reserve: true });
    } else if (type === 'StockReleaseRequested' || type === 'StockCommitRequested') {
      const line = lines.get(sku);
      if (!line) violation(`saga of ${orderId}: ${type} for ${sku}, never reserved`);
      else if (line.settle) violation(`saga of ${orderId}: ${sku} settled twice (${type} after ${line.settle})`);
      else line.settle = type === 'StockReleaseRequested' ? 'StockReleased' : 'StockCommitted';
    }
  }
  for (const [sku, line] of lines) {
    if (!asked.has(sku)) asked.set(sku, new Map());
    asked.get(sku)!.set(orderId, line);
  }

  const answers = count(payment, 'PaymentAuthorized') + count(payment, 'PaymentDeclined');
  const requested = count(saga, 'PaymentRequested');
  if (answers > 1) violation(`payment of ${orderId} answered ${answers} times`);
  if (answers > 0 && requested === 0) violation(`payment of ${orderId} answered, never requested`);
  if (requested > 0 && answers === 0) outcomes.pending.push(`payment of ${orderId} requested, never answered`);
  if (count(payment, 'PaymentRefunded') > count(payment, 'PaymentAuthorized')) violation(`payment of ${orderId} refunded without an authorization`);
  if (count(saga, 'RefundRequested') > 0 && count(payment, 'PaymentAuthorized') > count(payment, 'PaymentRefunded')) {
    outcomes.pending.push(`refund of ${orderId} requested, not done`);
  }
  if (verdicts.length === 1 && count(saga, 'FulfillmentCompleted') === 0) outcomes.pending.push(`saga of ${orderId}: ${verdicts[0]?.type} not recorded yet`);
}
