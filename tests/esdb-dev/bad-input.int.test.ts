import { connect } from 'node:http2';
import { credentials, Client, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEsdbDev, type EsdbDevServer } from '../../infra/esdb-dev/index.ts';
import { sharedPb, streamsGrpc, streamsPb } from '../../infra/esdb-dev/protocol/generated.ts';
import { testEnvironment } from '../support/environment.ts';

type AppendReq = InstanceType<typeof streamsPb.AppendReq>;

const { AppendReq, ReadReq, DeleteReq } = streamsPb;

describe.skipIf(!testEnvironment().esdbIsDev)('esdb-dev given requests outside the protocol contract', () => {
  let server: EsdbDevServer;
  let address: string;
  let raw: InstanceType<typeof streamsGrpc.StreamsClient>;

  beforeAll(async () => {
    server = await startEsdbDev({ port: 0 });
    address = `127.0.0.1:${server.port}`;
    raw = new streamsGrpc.StreamsClient(address, credentials.createInsecure());
  });

  afterAll(async () => {
    raw.close();
    await server.stop();
  });

  const identifier = (name: string) => new sharedPb.StreamIdentifier().setStreamName(Buffer.from(name));
  const options = (stream: string) =>
    new AppendReq().setOptions(new AppendReq.Options().setStreamIdentifier(identifier(stream)).setAny(new sharedPb.Empty()));
  const proposed = (configure: (message: InstanceType<typeof AppendReq.ProposedMessage>) => void) => {
    const message = new AppendReq.ProposedMessage()
      .setId(new sharedPb.UUID().setString('5f3b2d8e-9a61-4c57-8d2e-0a1b2c3d4e5f'))
      .setData(Buffer.from('{}'));
    message.getMetadataMap().set('type', 'Thing').set('content-type', 'application/json');
    configure(message);
    return new AppendReq().setProposedMessage(message);
  };

  function rawAppend(messages: AppendReq[]): Promise<ServiceError | undefined> {
    return new Promise((resolve) => {
      const call = raw.append((error) => resolve(error ?? undefined));
      for (const message of messages) call.write(message);
      call.end();
    });
  }

  function rawRead(request: InstanceType<typeof ReadReq>): Promise<ServiceError | undefined> {
    return new Promise((resolve) => {
      const call = raw.read(request);
      call.on('data', () => undefined);
      call.on('error', (error: ServiceError) => resolve(error));
      call.on('end', () => resolve(undefined));
    });
  }

  async function stillServesTheClient() {
    const client = EventStoreDBClient.connectionString(server.url);
    const result = await client.appendToStream(`healthy-${Math.random()}`, [jsonEvent({ type: 'Ok', data: {} })]);
    expect(result.success).toBe(true);
    await client.dispose();
  }

  it.each([
    ['an event before the options', [proposed(() => undefined)], /options/],
    ['options twice', [options('x'), options('x')], /proposed message/],
    ['no stream name', [new AppendReq().setOptions(new AppendReq.Options().setAny(new sharedPb.Empty()))], /stream name/],
    ['no expected revision', [new AppendReq().setOptions(new AppendReq.Options().setStreamIdentifier(identifier('x')))], /expected/],
    ['an id that is not a UUID', [options('x'), proposed((m) => m.setId(new sharedPb.UUID().setString('nope')))], /UUID/],
    ['an empty id', [options('x'), proposed((m) => m.setId(new sharedPb.UUID().setString('00000000-0000-0000-0000-000000000000')))], /empty/],
    ['no id at all', [options('x'), proposed((m) => m.clearId())], /UUID/],
    ['nothing at all', [], /options/],
  ])('answers an append with %s INVALID_ARGUMENT', async (_, messages, details) => {
    const error = await rawAppend(messages);
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(error?.details).toMatch(details);
    await stillServesTheClient();
  });

  it('names the missing metadata keys the way the client expects', async () => {
    const error = await rawAppend([options('x'), proposed((m) => m.getMetadataMap().del('content-type'))]);
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(error?.metadata.get('exception')).toEqual(['missing-required-metadata-property']);
    expect(error?.metadata.get('required-metadata-properties')).toEqual(['type,content-type']);
  });

  it('writes nothing for an append whose client vanished before finishing it', async () => {
    // Speak raw HTTP/2: grpc-js clients half-close before cancelling, which looks like a
    // complete append; a client that dies mid-append leaves no half-close at all.
    const stream = `vanished-${Math.random()}`;
    const session = connect(`http://${address}`);
    const request = session.request({
      ':method': 'POST',
      ':path': '/event_store.client.streams.Streams/Append',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    for (const message of [options(stream), proposed(() => undefined)]) {
      const bytes = message.serializeBinary();
      const frame = Buffer.alloc(5 + bytes.length);
      frame.writeUInt32BE(bytes.length, 1);
      frame.set(bytes, 5);
      request.write(frame);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    session.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const client = EventStoreDBClient.connectionString(server.url);
    await expect(async () => {
      for await (const _ of client.readStream(stream)) void _;
    }).rejects.toThrow(/not found/);
    await client.dispose();
  });

  it.each([
    ['no options', () => new ReadReq()],
    ['no uuid option', () => new ReadReq().setOptions(new ReadReq.Options().setAll(new ReadReq.Options.AllOptions().setStart(new sharedPb.Empty())).setCount('1'))],
    [
      'a filter on a stream read',
      () =>
        new ReadReq().setOptions(
          new ReadReq.Options()
            .setStream(new ReadReq.Options.StreamOptions().setStreamIdentifier(identifier('x')).setStart(new sharedPb.Empty()))
            .setCount('1')
            .setUuidOption(new ReadReq.Options.UUIDOption().setString(new sharedPb.Empty()))
            .setFilter(new ReadReq.Options.FilterOptions().setEventType(new ReadReq.Options.FilterOptions.Expression().setRegex('x'))),
        ),
    ],
    [
      'a regex that does not compile',
      () =>
        new ReadReq().setOptions(
          new ReadReq.Options()
            .setAll(new ReadReq.Options.AllOptions().setStart(new sharedPb.Empty()))
            .setSubscription(new ReadReq.Options.SubscriptionOptions())
            .setUuidOption(new ReadReq.Options.UUIDOption().setString(new sharedPb.Empty()))
            .setFilter(
              new ReadReq.Options.FilterOptions()
                .setEventType(new ReadReq.Options.FilterOptions.Expression().setRegex('(unclosed'))
                .setCount(new sharedPb.Empty()),
            ),
        ),
    ],
  ])('answers a read with %s INVALID_ARGUMENT', async (_, request) => {
    const error = await rawRead(request());
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    await stillServesTheClient();
  });

  it('answers a delete without options INVALID_ARGUMENT', async () => {
    const error = await new Promise<ServiceError | null>((resolve) => raw.delete(new DeleteReq(), (e) => resolve(e)));
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
  });

  it.each(['Read', 'Append', 'Delete', 'Tombstone', 'BatchAppend'])('survives bytes that are not protobuf sent to %s', async (method) => {
    const client = new Client(address, credentials.createInsecure());
    const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a, 0xff]);
    const path = `/event_store.client.streams.Streams/${method}`;
    const identity = (value: Buffer) => value;
    const error = await new Promise<ServiceError | undefined>((resolve) => {
      if (method === 'Delete' || method === 'Tombstone') {
        client.makeUnaryRequest(path, identity, identity, garbage, new Metadata(), (e) => resolve(e ?? undefined));
      } else if (method === 'Read') {
        const call = client.makeServerStreamRequest(path, identity, identity, garbage, new Metadata());
        call.on('data', () => undefined).on('error', resolve).on('end', () => resolve(undefined));
      } else {
        const call = client.makeBidiStreamRequest(path, identity, identity, new Metadata());
        call.on('data', () => undefined).on('error', resolve).on('end', () => resolve(undefined));
        call.write(garbage);
        call.end();
        setTimeout(() => call.cancel(), 500);
      }
    });
    client.close();
    expect(error?.code).not.toBe(status.OK);
    await stillServesTheClient();
  });
});
