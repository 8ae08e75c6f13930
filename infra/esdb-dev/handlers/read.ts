import type { ServerWritableStream } from '@grpc/grpc-js';
import { reject } from '../protocol/errors.ts';
import { streamsPb, type ReadReq } from '../protocol/generated.ts';
import { streamNameOf, uint64AsNumber } from '../protocol/request-fields.ts';
import type { UuidForm } from '../protocol/wire-event.ts';
import type { EventLog } from '../store/event-log.ts';
import { CallOutput } from './call-output.ts';
import { AllFilter } from './event-filter.ts';
import { readAll } from './read-all.ts';
import { readStream } from './read-stream.ts';
import { subscribeToAll } from './subscribe-all.ts';
import { subscribeToStream } from './subscribe-stream.ts';

const { StreamOptionCase, CountOptionCase, FilterOptionCase, ReadDirection } = streamsPb.ReadReq.Options;
const { ContentCase: UuidCase } = streamsPb.ReadReq.Options.UUIDOption;

/**
 * Streams.Read: one RPC for four operations, chosen by the request's oneofs (protocol §7).
 * The real server accepts exactly these combinations; anything else is INVALID_ARGUMENT.
 */
export async function read(log: EventLog, call: ServerWritableStream<ReadReq, unknown>): Promise<void> {
  const output = new CallOutput(call);
  const options = call.request.getOptions() ?? reject('Read options are required.');
  const uuidCase = options.getUuidOption()?.getContentCase();
  if (uuidCase === undefined || uuidCase === UuidCase.CONTENT_NOT_SET) reject('uuid_option is required.');
  const uuidForm: UuidForm = uuidCase === UuidCase.STRUCTURED ? 'structured' : 'string';
  const backwards = options.getReadDirection() === ReadDirection.BACKWARDS;
  const resolveLinks = options.getResolveLinks();
  const filterOptions = options.getFilterOptionCase() === FilterOptionCase.FILTER ? options.getFilter() : undefined;
  const isSubscription = options.getCountOptionCase() === CountOptionCase.SUBSCRIPTION;
  if (!isSubscription && options.getCountOptionCase() !== CountOptionCase.COUNT) reject('A count or a subscription is required.');

  switch (options.getStreamOptionCase()) {
    case StreamOptionCase.STREAM: {
      const from = options.getStream() ?? reject('Stream options are required.');
      const stream = streamNameOf(from.getStreamIdentifier());
      if (filterOptions) reject('Filters apply to $all only.');
      if (!isSubscription) {
        const maxCount = uint64AsNumber(options.getCount(), 'count');
        return readStream(log, output, { stream, from, backwards, maxCount, resolveLinks, uuidForm });
      }
      if (backwards) reject('Subscriptions read forwards only.');
      return subscribeToStream(log, output, { stream, from, resolveLinks, uuidForm });
    }
    case StreamOptionCase.ALL: {
      const from = options.getAll() ?? reject('$all options are required.');
      const filter = filterOptions ? AllFilter.fromRequest(filterOptions) : AllFilter.none();
      if (!isSubscription) {
        const maxCount = uint64AsNumber(options.getCount(), 'count');
        return readAll(log, output, { from, backwards, maxCount, resolveLinks, uuidForm, filter });
      }
      if (backwards) reject('Subscriptions read forwards only.');
      return subscribeToAll(log, output, { from, resolveLinks, uuidForm, filter });
    }
    default:
      reject('A stream or $all is required.');
  }
}
