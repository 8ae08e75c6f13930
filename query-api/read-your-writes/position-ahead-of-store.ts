import { formatPosition } from '../../infra/event-store/index.ts';

/**
 * A reader asked for a position the event store has not reached: no write the client saw can be there,
 * so waiting would only hold a connection until the bound. 400 `position_ahead_of_store`, naming where
 * the position was sent (`headers.es-min-position` or `querystring.minPosition`).
 */
export class PositionAheadOfStoreError extends Error {
  constructor(
    readonly field: string,
    readonly position: bigint,
    readonly head: bigint,
  ) {
    super(`${formatPosition(position)} is beyond the event store's last position ${formatPosition(head)}; send a position a command answered.`);
    this.name = 'PositionAheadOfStoreError';
  }
}
