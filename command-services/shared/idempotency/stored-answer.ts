import type { FastifyReply } from 'fastify';
import type { StoredAnswer } from './idempotency-store.ts';

/**
 * Headers a replay restores. A list of what we mean to replay rather than "everything": headers like
 * Date, Content-Length, Connection or CORS headers (which depend on the retry's Origin) belong to each
 * response, not to the command's outcome.
 */
export const defaultReplayedHeaders = ['content-type', 'location', 'es-position'];

/**
 * Only answers that reflect a decision about the command are kept (DESIGN §3): success, not found, and
 * business-rule refusals. Anything else (400 from the handler, 5xx, 503) may go differently next time.
 */
export const isDecisionStatus = (status: number): boolean =>
  (status >= 200 && status < 300) || status === 404 || status === 409 || status === 422;

/**
 * Whether this answer is the command's outcome, to replay to every retry: a decision status, and no
 * Retry-After, which says "try again", as a 409 "the stream kept changing" does (stored, it would
 * answer every retry for a day). Read from the reply alone, so the plugin knows no service's errors.
 */
export const isDecision = (reply: FastifyReply): boolean => isDecisionStatus(reply.statusCode) && !reply.hasHeader('retry-after');

/** The answer as fastify is about to send it, or undefined when its body is a stream we cannot keep. */
export function answerOf(
  reply: FastifyReply,
  payload: unknown,
  replayedHeaders: readonly string[],
): StoredAnswer | undefined {
  let body: Buffer;
  if (payload === undefined || payload === null) body = Buffer.alloc(0);
  else if (typeof payload === 'string') body = Buffer.from(payload, 'utf8');
  else if (Buffer.isBuffer(payload)) body = payload;
  // A stream (or a fetch Response) could only be kept by consuming it, which would take it from the client.
  else return undefined;

  const headers: StoredAnswer['headers'] = {};
  for (const name of replayedHeaders) {
    const value = reply.getHeader(name);
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return { status: reply.statusCode, headers, body };
}
