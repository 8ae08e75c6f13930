import type { IncomingMessage } from 'node:http';
import { v4 as uuid } from 'uuid';

export const CORRELATION_HEADER = 'x-correlation-id';

const acceptable = /^[\x21-\x7e]{1,128}$/;

/**
 * Every request gets an id that becomes the correlation id of the events it causes and of its log
 * lines. A caller may pass its own (to follow a flow across systems); anything unusable is replaced,
 * so a header can never put control characters into logs or event metadata.
 */
export function correlationIdOf(request: IncomingMessage): string {
  const given = request.headers[CORRELATION_HEADER];
  return typeof given === 'string' && acceptable.test(given) ? given : uuid();
}
