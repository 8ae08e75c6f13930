import type pg from 'pg';

/** What the simulated gateway did for one order: how often money moved, and the rest. */
export interface GatewayLedger {
  /** Authorizations that hold money (each is a charge). */
  charges: number;
  declines: number;
  refunds: number;
  refusedRefunds: number;
  /** Keys that only failed transiently so far (`tok_error`). */
  unsettled: number;
}

/** Counts the gateway's operations for `orderId`: how tests (and an operator) see that nothing was charged twice. */
export async function readGatewayLedger(pool: pg.Pool, orderId: string): Promise<GatewayLedger> {
  const counted = await pool.query<{ kind: string; outcome: string | null; n: number }>(
    'SELECT kind, outcome, count(*)::int AS n FROM simulated_gateway_operations WHERE order_id = $1 GROUP BY kind, outcome',
    [orderId],
  );
  const count = (kind: string, outcome: string | null) =>
    counted.rows.find((row) => row.kind === kind && row.outcome === outcome)?.n ?? 0;
  return {
    charges: count('authorize', 'authorized'),
    declines: count('authorize', 'declined'),
    refunds: count('refund', 'refunded'),
    refusedRefunds: count('refund', 'refused'),
    unsettled: count('authorize', null),
  };
}
