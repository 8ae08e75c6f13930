import type { EventStore } from '../../../infra/event-store/index.ts';

// DESIGN §4.7, checked against the event store itself (not the read models), in plain code that
// shares nothing with the deciders it judges: every order ends once, stock is never oversold and
// reserved stock is exactly what open reservations hold, no money stays with an order that was
// turned down, and nothing happened twice.

type Raw = { type: string; data: Record<string, unknown> };

const readAll = async (eventStore: EventStore, stream: string): Promise<Raw[]> =>
  (await eventStore.readStream(stream, (event) => event as Raw)).events.map((event) => event.decoded);

export interface SagaOutcomes {
  confirmed: number;
  rejected: Record<string, number>;
  cancelled: number;
  /** Orders not (yet) in a terminal state. */
  open: string[];
  violations: string[];
}

const count = (events: Raw[], type: string, where: (data: Record<string, unknown>) => boolean = () => true) =>
  events.filter((event) => event.type === type && where(event.data)).length;

/** Reads every stream of these orders and skus and lists what breaks an invariant. */
export async function checkSagaInvariants(
  eventStore: EventStore,
  { orderIds, skus }: { orderIds: readonly string[]; skus: readonly string[] },
): Promise<SagaOutcomes> {
  const outcomes: SagaOutcomes = { confirmed: 0, rejected: {}, cancelled: 0, open: [], violations: [] };
  const violation = (message: string) => outcomes.violations.push(message);
  const terminalOf = new Map<string, string>();

  for (const orderId of orderIds) {
    const [order, saga, payment] = await Promise.all([
      readAll(eventStore, `order-${orderId}`),
      readAll(eventStore, `fulfillment-${orderId}`),
      readAll(eventStore, `payment-${orderId}`),
    ]);
    const terminals = order.filter((event) => ['OrderConfirmed', 'OrderRejected', 'OrderCancelled'].includes(event.type));
    if (terminals.length > 1) violation(`order ${orderId} ended ${terminals.length} times`);
    const terminal = terminals[0];
    if (!terminal) {
      outcomes.open.push(orderId);
      continue;
    }
    terminalOf.set(orderId, terminal.type);
    if (terminal.type === 'OrderConfirmed') outcomes.confirmed++;
    else if (terminal.type === 'OrderCancelled') outcomes.cancelled++;
    else {
      const reason = String(terminal.data.reason);
      outcomes.rejected[reason] = (outcomes.rejected[reason] ?? 0) + 1;
    }
    const completions = saga.filter((event) => event.type === 'FulfillmentCompleted');
    const expected = { OrderConfirmed: 'confirmed', OrderRejected: 'rejected', OrderCancelled: 'cancelled' }[terminal.type];
    if (completions.length !== 1 || completions[0]?.data.outcome !== expected) {
      violation(`saga of ${orderId} completed ${completions.length} times (${completions.map((e) => e.data.outcome).join(', ')}), order is ${terminal.type}`);
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
  }
  return outcomes;
}
