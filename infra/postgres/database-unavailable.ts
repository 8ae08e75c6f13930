/** PostgreSQL could not be reached or went away mid-query: the caller may retry later (HTTP 503). */
export class DatabaseUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the database is unreachable', options);
    this.name = 'DatabaseUnavailableError';
  }
}

/** Node's socket errors that mean "no server there (any more)". */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * 57014 query_canceled: the statement outlived statement_timeout (or an operator cancelled it). The
 * database could not answer in time, as when it is unreachable: 503, retry later.
 */
const queryCanceled = '57014';

/**
 * SQLSTATEs of a server that is going away or not taking sessions: 57P01 admin shutdown, 57P02 crash
 * shutdown, 57P03 cannot connect now (starting or stopping), 53300 too many connections. Class 08
 * (connection exceptions) is matched by prefix.
 */
const serverCodes = new Set(['57P01', '57P02', '57P03', '53300', queryCanceled]);

/** What pg and pg-pool throw without a code when a connection dies or cannot be had in time. */
const messages = [
  'Connection terminated', // "…unexpectedly", "…due to connection timeout"
  'timeout exceeded when trying to connect', // pg-pool's connectionTimeoutMillis
  'Client has encountered a connection error and is not queryable',
  'Query read timeout', // query_timeout: the server stopped answering
];

/**
 * True for errors that say the database is unreachable rather than that the query was wrong, so they can
 * become 503 and not 500. Looks through `cause` and AggregateError (Node tries every address of a host).
 */
export function isConnectionError(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (networkCodes.has(code) || serverCodes.has(code) || /^08[0-9A-Z]{3}$/.test(code))) {
    return true;
  }
  if (messages.some((message) => error.message.startsWith(message))) return true;
  if (error instanceof AggregateError && error.errors.some((inner) => isConnectionError(inner, depth + 1))) return true;
  return isConnectionError(error.cause, depth + 1);
}

/** Rethrows a connection error as DatabaseUnavailableError and anything else unchanged. */
export function toDatabaseError(error: unknown): unknown {
  return isConnectionError(error) && !(error instanceof DatabaseUnavailableError)
    ? new DatabaseUnavailableError({ cause: error })
    : error;
}
