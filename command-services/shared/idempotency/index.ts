export { canonicalJson, requestHashOf } from './canonical-json.ts';
export { readIdempotencyKey, type IdempotencyKeyHeader } from './idempotency-key-header.ts';
export { idempotencyPlugin, type IdempotencyClaim, type IdempotencyPluginOptions } from './idempotency-plugin.ts';
export {
  createIdempotencyStore,
  type AnswerToStore,
  type BeginOutcome,
  type IdempotencyStore,
  type IdempotencyStoreOptions,
  type StoredAnswer,
} from './idempotency-store.ts';
export { defaultReplayedHeaders, isDecision, isDecisionStatus } from './stored-answer.ts';
