import { randomUUID } from 'node:crypto';
import { credentials } from '@grpc/grpc-js';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEsdbDev, type EsdbDevServer } from '../../infra/esdb-dev/index.ts';
import { emptyPb, sharedPb, streamsGrpc, streamsPb } from '../../infra/esdb-dev/protocol/generated.ts';
import { testEnvironment } from '../support/environment.ts';

type BatchAppendReq = InstanceType<typeof streamsPb.BatchAppendReq>;
type BatchAppendResp = InstanceType<typeof streamsPb.BatchAppendResp>;
const { BatchAppendReq } = streamsPb;

function chunk(correlationId: string, opts: { stream?: string; deadline?: Date; events?: number; eventSize?: number; isFinal: boolean }) {
  const request = new BatchAppendReq().setCorrelationId(new sharedPb.UUID().setString(correlationId)).setIsFinal(opts.isFinal);
  if (opts.stream) {
    request.setOptions(
      new BatchAppendReq.Options()
        .setStreamIdentifier(new sharedPb.StreamIdentifier().setStreamName(Buffer.from(opts.stream)))
        .setAny(new emptyPb.Empty())
        .setDeadline(Timestamp.fromDate(opts.deadline ?? new Date(Date.now() + 10_000))),
    );
  }
  for (let i = 0; i < (opts.events ?? 0); i++) {
    const message = new BatchAppendReq.ProposedMessage()
      .setId(new sharedPb.UUID().setString(randomUUID()))
      .setData(Buffer.alloc(opts.eventSize ?? 10, 0x61));
    message.getMetadataMap().set('type', 'Chunked').set('content-type', 'application/octet-stream');
    request.addProposedMessages(message);
  }
  return request;
}

/** Sends the chunks on one BatchAppend call, half-closes, and collects every reply until the server ends the call. */
function exchange(server: EsdbDevServer, chunks: BatchAppendReq[]): Promise<BatchAppendResp[]> {
  const client = new streamsGrpc.StreamsClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
  const replies: BatchAppendResp[] = [];
  return new Promise((resolve, reject) => {
    const call = client.batchAppend();
    call.on('data', (reply: BatchAppendResp) => replies.push(reply));
    call.on('error', reject);
    call.on('end', () => {
      client.close();
      resolve(replies);
    });
    for (const request of chunks) call.write(request);
    call.end();
  });
}

const detailType = (reply: BatchAppendResp) => reply.getError()?.getDetails()?.getTypeName();

describe.skipIf(!testEnvironment().esdbIsDev)('esdb-dev BatchAppend, spoken to directly', () => {
  let server: EsdbDevServer;

  beforeAll(async () => {
    server = await startEsdbDev({ port: 0 });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('answers interleaved appends once each, by correlation id, when their final chunk arrives', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const replies = await exchange(server, [
      chunk(a, { stream: `interleaved-a-${a}`, events: 2, isFinal: false }),
      chunk(b, { stream: `interleaved-b-${b}`, events: 1, isFinal: false }),
      chunk(a, { events: 1, isFinal: true }),
      chunk(b, { events: 0, isFinal: true }),
    ]);
    expect(replies.map((reply) => [reply.getCorrelationId()?.getString(), reply.getSuccess()?.getCurrentRevision()])).toEqual([
      [a, '2'],
      [b, '0'],
    ]);
  });

  it('answers an expired deadline with Timeout before looking at the size, and ignores the rest', async () => {
    const id = randomUUID();
    const replies = await exchange(server, [
      chunk(id, { stream: `late-${id}`, deadline: new Date(Date.now() - 1), events: 3000, eventSize: 1000, isFinal: false }),
      chunk(id, { events: 1, isFinal: true }),
    ]);
    expect(replies).toHaveLength(1);
    expect(detailType(replies[0] as BatchAppendResp)).toBe('event_store.client.Timeout');
  });

  it('answers an append over 1 MiB once, and drops its later chunks', async () => {
    const id = randomUUID();
    const replies = await exchange(server, [
      chunk(id, { stream: `big-${id}`, events: 2, eventSize: 600 * 1024, isFinal: false }),
      chunk(id, { events: 1, isFinal: false }),
      chunk(id, { events: 1, isFinal: true }),
    ]);
    expect(replies).toHaveLength(1);
    expect(detailType(replies[0] as BatchAppendResp)).toBe('event_store.client.MaximumAppendSizeExceeded');
    expect(replies[0]?.getStreamIdentifier()?.getStreamName_asU8()).toEqual(new Uint8Array(Buffer.from(`big-${id}`)));
  });

  it('answers an append whose first chunk has no options with BadRequest', async () => {
    const id = randomUUID();
    const replies = await exchange(server, [chunk(id, { events: 1, isFinal: true })]);
    expect(replies).toHaveLength(1);
    expect(detailType(replies[0] as BatchAppendResp)).toBe('event_store.client.BadRequest');
    expect(replies[0]?.hasStreamIdentifier()).toBe(true);
  });
});
