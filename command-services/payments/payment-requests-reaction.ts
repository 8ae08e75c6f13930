import type { StoredEvent } from '../../domain/events.ts';
import type { PaymentRequested, RefundRequested } from '../../domain/fulfillment/index.ts';
import { paymentCommand, paymentDecider, paymentEvent, paymentStream, type PaymentCommand, type PaymentState } from '../../domain/payment/index.ts';
import type { Logger } from '../../infra/logger.ts';
import type { Reaction } from '../../infra/subscriptions/reaction.ts';
import type { ProjectedEvent } from '../../projections/projection.ts';
import { deriveId } from '../shared/command-context.ts';
import type { CommandDependencies } from '../shared/command-dependencies.ts';
import { handleCommand } from '../shared/handle-command.ts';
import { isTransient } from '../shared/is-transient.ts';
import { reactionContext } from '../shared/reaction-context.ts';
import { askUntilAnswered } from './ask-until-answered.ts';
import { PaymentProviderUnavailableError, type PaymentProvider } from './payment-provider.ts';
import { unparsedOrderKey } from '../shared/unparsed-order-key.ts';

export interface PaymentRequestsDependencies extends CommandDependencies {
  /** Usually the resilient provider, so that a failing provider is not hammered by every waiting order. */
  provider: PaymentProvider;
  logger: Logger;
  /** Backoff between attempts while the provider is unavailable: from `retryBaseMs` (250) doubling to `retryCapMs` (10 s). */
  retryBaseMs?: number;
  retryCapMs?: number;
}

/** The provider refused to give an authorization back: no retry can change that, so the order's key parks for an operator. */
export class PaymentRefundRefusedError extends Error {
  constructor(
    readonly orderId: string,
    readonly reason: string,
  ) {
    super(`payment provider refused the refund of order ${orderId}: ${reason}`);
    this.name = 'PaymentRefundRefusedError';
  }
}

const decodePaymentEvent = (event: { type: string; data: unknown }) => paymentEvent.parse(event);

/**
 * The payments service (DESIGN §4, steps 3, 5 and 7): asks the provider for what the saga requests on
 * `fulfillment-{orderId}` and records the answer on `payment-{orderId}`. Keyed by order, so an order's
 * refund is handled only after its payment request. While the provider is unavailable a request waits
 * (backoff, until answered or aborted); the saga's deadline, not this service, decides the order's fate.
 *
 * Redelivery is safe twice over: the provider's idempotency key derives from the request event's id (a
 * repeated call moves no money), and a payment that already has its answer is not asked for again.
 */
export function createPaymentRequestsReaction(deps: PaymentRequestsDependencies): Reaction {
  const name = 'payment-requests';
  const retry = { baseMs: deps.retryBaseMs ?? 250, capMs: deps.retryCapMs ?? 10_000 };
  const logger = deps.logger.child({ reaction: name });

  const readPayment = async (orderId: string): Promise<PaymentState> => {
    const read = await deps.eventStore.readStream(paymentStream(orderId), decodePaymentEvent);
    return read.events.reduce((state, event) => paymentDecider.evolve(state, event.decoded), paymentDecider.initialState);
  };

  // Validated like any input: a provider's odd answer parks the order rather than writing an event
  // that could not be read back.
  // The first answer of a payment is the stream's first event, so it is appended without reading first.
  const record = (projected: ProjectedEvent, command: PaymentCommand) =>
    handleCommand(deps, {
      decider: paymentDecider,
      decode: decodePaymentEvent,
      streamName: paymentStream(command.data.orderId),
      command: paymentCommand.parse(command),
      context: reactionContext(projected),
      expectNewStream: command.type !== 'RefundPayment',
    });

  async function authorize(projected: ProjectedEvent, { data }: PaymentRequested, signal: AbortSignal, log: Logger) {
    const { orderId, amount, currency, token } = data;
    // Not read from the store first (the payment stream is new as a rule): a redelivery this process
    // already answered is known from the state cache, and any other asks the provider again with the
    // same key, which answers as before and moves no money; the payment then records nothing new.
    const known = deps.streamStates?.get(paymentStream(orderId))?.state as PaymentState | undefined;
    if (known && known.status !== 'empty') return log.debug({ status: known.status }, 'payment already answered; not asking again');
    const idempotencyKey = deriveId(projected.id, 'payment-authorization');
    const answer = await askUntilAnswered(() => deps.provider.authorize({ idempotencyKey, orderId, amount, currency, token }, signal), { signal, log, ...retry });
    const outcome = await record(
      projected,
      answer.outcome === 'authorized'
        ? { type: 'RecordPaymentAuthorization', data: { orderId, amount, currency, providerRef: answer.providerRef } }
        : { type: 'RecordPaymentDecline', data: { orderId, reason: answer.reason } },
    );
    log.info({ outcome: answer.outcome, ...(answer.outcome === 'declined' ? { reason: answer.reason } : {}), appended: outcome.events.length }, 'payment answered');
  }

  async function refund(projected: ProjectedEvent, { data }: RefundRequested, signal: AbortSignal, log: Logger) {
    const payment = await readPayment(data.orderId);
    if (payment.status !== 'authorized') return log.info({ status: payment.status }, 'no authorized payment; nothing to refund');
    if (payment.amount !== data.amount || payment.currency !== data.currency) {
      log.warn({ requested: data.amount, authorized: payment.amount }, 'refund requested for another amount than authorized; refunding what was authorized');
    }

    const { orderId, amount, currency, providerRef } = payment;
    const idempotencyKey = deriveId(projected.id, 'payment-refund');
    const answer = await askUntilAnswered(() => deps.provider.refund({ idempotencyKey, orderId, amount, currency, providerRef }, signal), { signal, log, ...retry });
    if (answer.outcome === 'refused') throw new PaymentRefundRefusedError(orderId, answer.reason);
    const outcome = await record(projected, { type: 'RefundPayment', data: { orderId } });
    log.info({ outcome: answer.outcome, appended: outcome.events.length }, 'payment refunded');
  }

  return {
    name,
    handles: ['PaymentRequested', 'RefundRequested'],
    key: ({ event }) => orderIdOf(event),
    unparsedKey: unparsedOrderKey,
    // A provider still unavailable when the handler gave up (it only does when aborted) is no fault of the event.
    isTransient: (error) => isTransient(error) || error instanceof PaymentProviderUnavailableError,
    async handle(projected, signal) {
      const { event } = projected;
      if (event.type !== 'PaymentRequested' && event.type !== 'RefundRequested') return;
      // Never the event's data: a payment request carries the card token.
      const log = logger.child({ orderId: event.data.orderId, correlationId: reactionContext(projected).correlationId, causationId: projected.id, event: event.type });
      if (event.type === 'PaymentRequested') await authorize(projected, event, signal, log);
      else await refund(projected, event, signal, log);
    },
  };
}

function orderIdOf(event: StoredEvent): string {
  if (event.type === 'PaymentRequested' || event.type === 'RefundRequested') return event.data.orderId;
  throw new Error(`payment-requests does not handle ${event.type}`);
}
