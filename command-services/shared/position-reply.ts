import type { FastifyReply } from 'fastify';
import { formatPosition } from '../../infra/event-store/index.ts';

/**
 * Every command answer carries the `$all` position of its last event, in the body and in
 * `ES-Position`, so the client can read its own write (`ES-Min-Position`) from any read model.
 */
export function withPosition<Body extends object>(reply: FastifyReply, position: bigint | undefined, body: Body) {
  const wire = formatPosition(position ?? 0n);
  void reply.header('es-position', wire);
  return { ...body, position: wire };
}
