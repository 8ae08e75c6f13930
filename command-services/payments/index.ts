// The payments service: a payment provider behind an interface, the simulated gateway that plays it in
// development and tests, the resilience around it, and the reaction that answers the saga's requests.
export {
  PaymentProviderUnavailableError,
  type AuthorizationAnswer,
  type AuthorizationRequest,
  type PaymentProvider,
  type RefundAnswer,
  type RefundRequest,
  type UnavailableReason,
} from './payment-provider.ts';
export { createSimulatedGateway, type SimulatedGatewayOptions } from './simulated-gateway.ts';
export { simulatedGatewayMigrations } from './simulated-gateway-migrations.ts';
export { readGatewayLedger, type GatewayLedger } from './simulated-gateway-ledger.ts';
export { createResilientPaymentProvider, type ResilienceOptions, type ResilientPaymentProvider } from './resilient-payment-provider.ts';
export { circuitStatuses, type CircuitStatus, type PaymentProviderStatus } from './circuit-status.ts';
export { type ProviderCallOutcome, type ProviderOperation } from './payment-provider-metrics.ts';
export {
  createPaymentRequestsReaction,
  PaymentRefundRefusedError,
  type PaymentRequestsDependencies,
} from './payment-requests-reaction.ts';
