import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { requestHashOf, canonicalJson } from './canonical-json.ts';
import { readIdempotencyKey } from './idempotency-key-header.ts';
import type { IdempotencyStore } from './idempotency-store.ts';
import { answerOf, defaultReplayedHeaders, isDecision } from './stored-answer.ts';

/** What a route handler learns about the Idempotency-Key of the request it serves. */
export interface IdempotencyClaim {
  /** The client's key, for event metadata (`CommandContext.idempotencyKey`). */
  key: string;
  /** `route NUL key`: put it in `CommandContext.idSeed`, so event ids derive from it. */
  idSeed: string;
  /** An earlier request with this key failed or crashed and may have appended: look for its events. */
  mayHaveRunBefore: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Opts the route into Idempotency-Key handling (DESIGN §3). */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    /** Set when the request carries an Idempotency-Key and holds its claim; null otherwise. */
    idempotency: IdempotencyClaim | null;
  }
}

export interface IdempotencyPluginOptions {
  store: IdempotencyStore;
  /** How long a duplicate waits for the request running its key (default 5 s), then 409. */
  waitMs?: number;
  /** Headers a replay restores (default content-type, location, es-position); lower case. */
  replayedHeaders?: readonly string[];
}

/** What this request holds in the store, until its answer is stored or the claim released. */
interface Hold {
  route: string;
  key: string;
  token: string;
  settled: boolean;
}

/** Seconds a client told "in use" should wait: the first request usually finishes well within it. */
const busyRetryAfterSeconds = 1;

/**
 * Durable idempotency for routes with `config: { idempotent: true }`. A request with a valid
 * Idempotency-Key claims (route, key) after body validation; a duplicate waits for it and replays its
 * answer; the answer is stored when fastify sends it. Without the header nothing happens (no database
 * access). Register it before the routes it serves, so their contexts inherit its hooks.
 *
 * The route is `METHOD /pattern/:param {params as canonical JSON}`: the same key on two URLs is two entries,
 * and two spellings of one URL (%-encoding, a trailing slash) are one.
 */
const idempotency: FastifyPluginAsync<IdempotencyPluginOptions> = async (app, options) => {
  const { store } = options;
  const waitMs = options.waitMs ?? 5_000;
  const replayedHeaders = (options.replayedHeaders ?? defaultReplayedHeaders).map((name) => name.toLowerCase());
  const holds = new WeakMap<FastifyRequest, Hold>();

  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.config.idempotent !== true) return;
    const header = readIdempotencyKey(request.raw.rawHeaders);
    if (header.kind === 'absent') return;
    if (header.kind === 'invalid') {
      const details = [{ path: 'headers.idempotency-key', message: header.message }];
      return reply.code(400).send({ error: 'invalid_idempotency_key', message: header.message, details });
    }

    const { key } = header;
    const route = routeOf(request);
    // DatabaseUnavailableError propagates to the app's error handler (503).
    const outcome = await store.begin(route, key, requestHashOf(request.body), { waitMs });
    switch (outcome.kind) {
      case 'claimed':
        holds.set(request, { route, key, token: outcome.token, settled: false });
        request.idempotency = { key, idSeed: `${route}\u0000${key}`, mayHaveRunBefore: outcome.tookOver };
        return;
      case 'replay':
        // A Buffer body is sent as is: no serializer, so the bytes are those of the first answer.
        return reply.code(outcome.status).headers(outcome.headers).header('idempotent-replayed', 'true').send(outcome.body);
      case 'mismatch':
        return reply.code(422).send({
          error: 'idempotency_key_reused',
          message: 'this Idempotency-Key was already used with a different request body',
        });
      case 'busy':
        return reply.code(409).header('retry-after', String(busyRetryAfterSeconds)).send({
          error: 'idempotency_key_in_use',
          message: 'a request with this Idempotency-Key is still being processed; retry later',
        });
      default: {
        const unexpected: never = outcome;
        throw new Error(`unexpected idempotency outcome ${JSON.stringify(unexpected)}`);
      }
    }
  });

  // Stored before the answer leaves, so a client that has it and retries gets the replay, never a 409.
  app.addHook('onSend', async (request, reply, payload) => {
    const hold = holds.get(request);
    if (!hold || hold.settled) return payload;
    hold.settled = true;
    await settle(hold, request, reply, payload);
    return payload;
  });

  // The answer went out without passing our onSend (a hijacked reply, an earlier onSend hook failing):
  // free the key for a retry. A client that aborts is not handled here: the handler still runs to its
  // answer, which onSend stores for the retry; if it never answers, the lease runs out.
  app.addHook('onResponse', async (request) => {
    const hold = holds.get(request);
    if (!hold || hold.settled) return;
    hold.settled = true;
    await releaseLogged(hold, request);
  });

  /** Never lets a storage failure replace the command's answer: it is logged, and the answer still sent. */
  async function settle(hold: Hold, request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> {
    const decided = isDecision(reply);
    const answer = decided ? answerOf(reply, payload, replayedHeaders) : undefined;
    if (!answer) return releaseLogged(hold, request);
    try {
      await store.complete(hold.route, hold.key, hold.token, answer);
    } catch (error) {
      // The entry stays pending: duplicates get 409 until the lease ends, then re-run the command, whose
      // seeded event ids make the event store find the first run's events instead of appending again.
      const context = { err: error, route: hold.route, status: reply.statusCode };
      request.log.error(context, 'could not store the idempotent answer; sending it anyway');
    }
  }

  async function releaseLogged(hold: Hold, request: FastifyRequest): Promise<void> {
    try {
      await store.release(hold.route, hold.key, hold.token);
    } catch (error) {
      const context = { err: error, route: hold.route };
      request.log.warn(context, 'could not release an idempotency key; it frees when its lease ends');
    }
  }
};

/** `POST /products/:sku/price {"sku":"A-1"}`: the route pattern and the validated path parameters. */
function routeOf(request: FastifyRequest): string {
  const params = request.params;
  const hasParams = typeof params === 'object' && params !== null && Object.keys(params).length > 0;
  return `${request.method} ${request.routeOptions.url ?? request.url}${hasParams ? ` ${canonicalJson(params)}` : ''}`;
}

/** App-wide (fastify-plugin): its hooks serve every route registered after it that opts in. */
export const idempotencyPlugin = fastifyPlugin(idempotency, { name: 'idempotency', fastify: '5.x' });
