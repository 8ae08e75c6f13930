export { createEventStore, EventStore } from './event-store.ts';
export type { AppendResult, EventDecoder, EventStoreOptions, ExpectedRevision, StreamRead } from './event-store.ts';
export {
  EventDecodingError,
  EventStoreUnavailableError,
  StreamDeletedError,
  WrongExpectedRevisionError,
} from './errors.ts';
export { formatPosition, MAX_POSITION, parsePosition } from './position.ts';
export type { NewEvent, RecordedEvent } from './recorded-event.ts';
export type { AllSubscription, SubscribeToAllOptions, SubscriptionFilter, SubscriptionMessage } from './subscribe-to-all.ts';
