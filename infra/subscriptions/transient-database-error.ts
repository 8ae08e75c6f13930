/**
 * SQLSTATE classes that say nothing about the event being applied: the same statements may well succeed
 * on the next attempt. 08 connection, 40 transaction rollback (serialization failure, deadlock), 53
 * insufficient resources, 57 operator intervention (query canceled, admin shutdown), 58 system error,
 * 55P03 lock not available. Except 08P01, protocol violation: the server refusing what it was sent (NUL
 * in a query string, a wrong number of parameters) refuses it again on every retry. A dropped socket has
 * no SQLSTATE, but the ROLLBACK TO SAVEPOINT that follows fails on it too, which also ends the batch
 * unparked. Anything else (a constraint violated, a plain Error thrown by `apply`) is the event's own
 * problem: it is parked.
 */
const transientClasses = new Set(['08', '40', '53', '57', '58']);

export function isTransientDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  if (code === '08P01') return false;
  return code === '55P03' || transientClasses.has(code.slice(0, 2));
}
