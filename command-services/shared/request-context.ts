import type { FastifyRequest } from 'fastify';
import type { CommandContext } from './command-context.ts';

/**
 * The request id is the correlation id of everything the request causes (it is also on every
 * log line of the request). With an Idempotency-Key, event ids and minted ids derive from it.
 */
export function commandContextOf(request: FastifyRequest): CommandContext {
  const idempotency = request.idempotency;
  return {
    correlationId: request.id,
    causationId: request.id,
    ...(idempotency ? { idempotencyKey: idempotency.key, idSeed: idempotency.idSeed } : {}),
  };
}
