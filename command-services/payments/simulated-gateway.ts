import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import {
  PaymentProviderUnavailableError,
  type AuthorizationAnswer,
  type AuthorizationRequest,
  type PaymentProvider,
  type RefundAnswer,
  type RefundRequest,
} from './payment-provider.ts';

export interface SimulatedGatewayOptions {
  /** How long `tok_slow` takes to answer (PAYMENT_SLOW_MS). */
  slowMs: number;
  /** Calls per idempotency key that `tok_error` fails before it authorizes (default 2). */
  transientFailures?: number;
}

/**
 * The payment provider of development and tests (DESIGN §4.3), keeping its ledger in PostgreSQL
 * (simulated_gateway_operations) so that what it charged outlives the payments process, as a real
 * provider's would. Tokens: `tok_ok` authorizes; `tok_decline` is declined (card_declined); `tok_slow`
 * authorizes after `slowMs` (an abort during the wait records nothing); `tok_error` fails transiently
 * `transientFailures` times per key, then authorizes; any other token is declined (invalid_token).
 *
 * Per idempotency key there is one answer: the first call that records an outcome wins (a conditional
 * upsert, so concurrent calls with one key settle exactly once) and every later call with that key gets
 * that answer back and moves no money. A retry after a crash can never charge twice.
 */
export function createSimulatedGateway(pool: pg.Pool, options: SimulatedGatewayOptions): PaymentProvider {
  const transientFailures = options.transientFailures ?? 2;
  return {
    async authorize(request: AuthorizationRequest, signal: AbortSignal): Promise<AuthorizationAnswer> {
      signal.throwIfAborted();
      const hash = keyHash(request.idempotencyKey);
      const recorded = await findOperation(pool, hash);
      if (recorded?.outcome) return authorizationOf(sameRequest(recorded, 'authorize', request));

      if (request.token === 'tok_slow') {
        // Rejects with an AbortError when the caller gives up; nothing has been recorded by then.
        await sleep(options.slowMs, undefined, { signal });
      } else if (request.token === 'tok_error') {
        const attempt = await countAttempt(pool, hash, request);
        if (typeof attempt !== 'number') return authorizationOf(attempt);
        if (attempt <= transientFailures) {
          throw new PaymentProviderUnavailableError('provider_error', `simulated gateway failed (attempt ${attempt} of ${transientFailures} that fail)`);
        }
      }
      return authorizationOf(await settleAuthorization(pool, hash, request, answerForToken(request.token)));
    },

    async refund(request: RefundRequest, signal: AbortSignal): Promise<RefundAnswer> {
      signal.throwIfAborted();
      const hash = keyHash(request.idempotencyKey);
      const recorded = await findOperation(pool, hash);
      if (recorded?.outcome) return refundOf(sameRequest(recorded, 'refund', request));

      const refusal = await refusalOf(pool, request);
      const answer = refusal ?? { outcome: 'refunded', reason: null, providerRef: request.providerRef };
      const settled = await settleRefund(pool, hash, request, answer);
      if (settled) return refundOf(settled);
      // Another key already gave this authorization back: the money is home, and moves no further.
      return { outcome: 'refunded' };
    },
  };
}

type Kind = 'authorize' | 'refund';
type Outcome = 'authorized' | 'declined' | 'refunded' | 'refused';
interface Answer {
  outcome: Outcome;
  reason: string | null;
  providerRef: string | null;
}
interface OperationRow {
  kind: Kind;
  order_id: string;
  amount: string;
  currency: string;
  outcome: Outcome | null;
  reason: string | null;
  provider_ref: string | null;
}
interface RequestShape {
  idempotencyKey: string;
  orderId: string;
  amount: number;
  currency: string;
}

const keyHash = (key: string): Buffer => createHash('sha256').update(key).digest();

function answerForToken(token: string): Answer {
  if (token === 'tok_ok' || token === 'tok_slow' || token === 'tok_error') {
    return { outcome: 'authorized', reason: null, providerRef: `sim_auth_${randomUUID()}` };
  }
  return { outcome: 'declined', reason: token === 'tok_decline' ? 'card_declined' : 'invalid_token', providerRef: null };
}

const columns = 'kind, order_id, amount, currency, outcome, reason, provider_ref';
// Only a key whose row describes the same request may be counted or settled; a reused key is refused.
const unsettledSameRequest = `t.outcome IS NULL AND t.kind = EXCLUDED.kind AND t.order_id = EXCLUDED.order_id
  AND t.amount = EXCLUDED.amount AND t.currency = EXCLUDED.currency`;

async function findOperation(pool: pg.Pool, hash: Buffer): Promise<OperationRow | undefined> {
  const found = await pool.query<OperationRow>(`SELECT ${columns} FROM simulated_gateway_operations WHERE key_hash = $1`, [hash]);
  return found.rows[0];
}

/** Counts one more transient failure for the key; the recorded outcome instead when it is settled. */
async function countAttempt(pool: pg.Pool, hash: Buffer, request: RequestShape): Promise<number | OperationRow> {
  const counted = await pool.query<{ attempts: number }>(
    `INSERT INTO simulated_gateway_operations AS t (key_hash, idempotency_key, kind, order_id, amount, currency)
     VALUES ($1, $2, 'authorize', $3, $4, $5)
     ON CONFLICT (key_hash) DO UPDATE SET attempts = t.attempts + 1, updated_at = now() WHERE ${unsettledSameRequest}
     RETURNING attempts`,
    [hash, request.idempotencyKey, request.orderId, request.amount, request.currency],
  );
  return counted.rows[0]?.attempts ?? (await recordedAnswer(pool, hash, 'authorize', request));
}

/**
 * Records the answer unless the key already has one: the row lock of ON CONFLICT makes one caller the
 * winner, and a loser returns what the winner recorded.
 */
async function settleAuthorization(pool: pg.Pool, hash: Buffer, request: RequestShape, answer: Answer): Promise<OperationRow> {
  const settled = await pool.query<OperationRow>(
    `INSERT INTO simulated_gateway_operations AS t
       (key_hash, idempotency_key, kind, order_id, amount, currency, outcome, reason, provider_ref)
     VALUES ($1, $2, 'authorize', $3, $4, $5, $6, $7, $8)
     ON CONFLICT (key_hash) DO UPDATE
       SET outcome = EXCLUDED.outcome, reason = EXCLUDED.reason, provider_ref = EXCLUDED.provider_ref, updated_at = now()
       WHERE ${unsettledSameRequest}
     RETURNING ${columns}`,
    [hash, request.idempotencyKey, request.orderId, request.amount, request.currency, answer.outcome, answer.reason, answer.providerRef],
  );
  return settled.rows[0] ?? (await recordedAnswer(pool, hash, 'authorize', request));
}

/**
 * A refund has no unsettled state, so any conflict means someone else answered: this key (concurrently),
 * or, with the one-refund-per-authorization index, another key for the same authorization (undefined).
 */
async function settleRefund(pool: pg.Pool, hash: Buffer, request: RefundRequest, answer: Answer): Promise<OperationRow | undefined> {
  const inserted = await pool.query<OperationRow>(
    `INSERT INTO simulated_gateway_operations
       (key_hash, idempotency_key, kind, order_id, amount, currency, outcome, reason, provider_ref)
     VALUES ($1, $2, 'refund', $3, $4, $5, $6, $7, $8)
     ON CONFLICT DO NOTHING
     RETURNING ${columns}`,
    [hash, request.idempotencyKey, request.orderId, request.amount, request.currency, answer.outcome, answer.reason, answer.providerRef],
  );
  if (inserted.rows[0]) return inserted.rows[0];
  const recorded = await findOperation(pool, hash);
  return recorded && sameRequest(recorded, 'refund', request);
}

async function recordedAnswer(pool: pg.Pool, hash: Buffer, kind: Kind, request: RequestShape): Promise<OperationRow> {
  const row = await findOperation(pool, hash);
  if (!row) throw new Error('simulated gateway: an operation vanished from its ledger');
  return sameRequest(row, kind, request);
}

function sameRequest(row: OperationRow, kind: Kind, request: RequestShape): OperationRow {
  if (row.kind !== kind || row.order_id !== request.orderId || Number(row.amount) !== request.amount || row.currency !== request.currency) {
    throw new Error(`simulated gateway: idempotency key reused for another ${kind} request`);
  }
  return row;
}

/** A refund gives back at most what an authorization of the same order holds, in its currency. */
async function refusalOf(pool: pg.Pool, request: RefundRequest): Promise<Answer | undefined> {
  const found = await pool.query<OperationRow>(
    `SELECT ${columns} FROM simulated_gateway_operations WHERE kind = 'authorize' AND outcome = 'authorized' AND provider_ref = $1`,
    [request.providerRef],
  );
  const authorization = found.rows[0];
  if (!authorization || authorization.order_id !== request.orderId) return refused('unknown_authorization');
  if (authorization.currency !== request.currency || Number(authorization.amount) < request.amount) return refused('amount_exceeds_authorization');
  return undefined;
}

const refused = (reason: string): Answer => ({ outcome: 'refused', reason, providerRef: null });

function authorizationOf(row: OperationRow): AuthorizationAnswer {
  if (row.outcome === 'authorized' && row.provider_ref) return { outcome: 'authorized', providerRef: row.provider_ref };
  if (row.outcome === 'declined') return { outcome: 'declined', reason: row.reason ?? 'declined' };
  throw new Error(`simulated gateway: an authorization recorded as ${String(row.outcome)}`);
}

function refundOf(row: OperationRow): RefundAnswer {
  if (row.outcome === 'refunded') return { outcome: 'refunded' };
  if (row.outcome === 'refused') return { outcome: 'refused', reason: row.reason ?? 'refused' };
  throw new Error(`simulated gateway: a refund recorded as ${String(row.outcome)}`);
}
