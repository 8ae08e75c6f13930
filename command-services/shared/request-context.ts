import type { FastifyRequest } from 'fastify';
import type { CommandContext } from './command-context.ts';

/**
 * What a request appends is correlated with its flow and caused by the request itself (both ids
 * are on every log line of the request). With an Idempotency-Key, event ids and minted ids derive
 * from it, and when an earlier request with the key failed, the command looks for what that run appended.
 */
export function commandContextOf(request: FastifyRequest): CommandContext {
  const idempotency = request.idempotency;
  return {
    correlationId: request.correlationId,
    causationId: request.id,
    // A client that disconnected has closed its socket (on HTTP/1.1 one socket carries one request at a time).
    abandoned: () => request.raw.socket?.destroyed === true,
    ...(idempotency
      ? { idempotencyKey: idempotency.key, idSeed: idempotency.idSeed, lookForEarlierRun: idempotency.mayHaveRunBefore }
      : {}),
  };
}
