import type { ErrorAnswer, ServiceErrorMapper } from '../../infra/http/error-handler.ts';
import { InvalidCursorError } from '../../projections/index.ts';
import { PositionAheadOfStoreError } from '../read-your-writes/position-ahead-of-store.ts';
import { ReadModelBehindError } from '../read-your-writes/wait-for-read-model.ts';
import { ResourceNotFoundError } from './not-found.ts';

/** How the query API's own errors answer: an unknown id, a cursor it never issued, a read model behind. */
export const queryErrorAnswer: ServiceErrorMapper = (error): ErrorAnswer | undefined => {
  if (error instanceof ResourceNotFoundError) return { status: 404, body: { error: error.code, message: error.message } };
  if (error instanceof InvalidCursorError) {
    return {
      status: 400,
      body: { error: 'validation_failed', message: error.message, details: [{ path: 'querystring.cursor', message: error.message }] },
    };
  }
  if (error instanceof PositionAheadOfStoreError) {
    return {
      status: 400,
      body: { error: 'position_ahead_of_store', message: error.message, details: [{ path: error.field, message: error.message }] },
    };
  }
  if (error instanceof ReadModelBehindError) {
    return { status: 504, body: { error: 'read_model_behind', message: error.message }, retryAfter: 1 };
  }
  return undefined;
};
