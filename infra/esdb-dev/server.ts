import {
  Server,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type ServerDuplexStream,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { deleteStream, tombstoneStream } from './handlers/delete.ts';
import { failureResponse } from './handlers/failure.ts';
import { unavailable } from './protocol/errors.ts';
import { gossip } from './handlers/gossip.ts';
import { read } from './handlers/read.ts';
import { append } from './handlers/append.ts';
import { batchAppend } from './handlers/batch-append.ts';
import { supportedMethods } from './handlers/server-features.ts';
import {
  gossipGrpc,
  serverFeaturesGrpc,
  streamsGrpc,
  type AppendReq,
  type AppendResp,
  type BatchAppendReq,
  type BatchAppendResp,
  type DeleteReq,
  type DeleteResp,
  type TombstoneReq,
  type TombstoneResp,
} from './protocol/generated.ts';
import type { EventLog } from './store/event-log.ts';
import type { WriteQueue } from './write/write-queue.ts';

export interface ServerDependencies {
  log: EventLog;
  writes: WriteQueue;
  logger: Logger;
  /** Where clients reach this server (for Gossip). */
  endpoint: () => { address: string; port: number };
}

/** One event may be ~16 MiB and a BatchAppend chunk 3 MiB plus one event: above grpc-js's 4 MiB default. */
const MAX_RECEIVE_MESSAGE_LENGTH = 32 * 1024 * 1024;

const STREAMS_SERVICE = 'event_store.client.streams.streams';
const IMPLEMENTED_METHODS = [
  { service: STREAMS_SERVICE, method: 'read', features: ['position', 'events'] },
  { service: STREAMS_SERVICE, method: 'append' },
  // No `deadline_duration` feature: newer clients would then send a Duration deadline (field 7).
  { service: STREAMS_SERVICE, method: 'batchappend' },
  { service: STREAMS_SERVICE, method: 'delete' },
  { service: STREAMS_SERVICE, method: 'tombstone' },
  { service: 'event_store.client.server_features.serverfeatures', method: 'getsupportedmethods' },
  { service: 'event_store.client.gossip.gossip', method: 'read' },
];

/**
 * The gRPC server: Streams, ServerFeatures and Gossip on the client package's own service
 * definitions. No connection age or idle limits: subscriptions and the BatchAppend call live
 * as long as the client wants them to.
 */
export function createGrpcServer({ log, writes, logger, endpoint }: ServerDependencies): Server {
  const server = new Server({ 'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_LENGTH });

  const readHandler: handleServerStreamingCall<unknown, unknown> = (call) => {
    // A node that cannot write is not ready (as EventStoreDB says when it is not): this is how a
    // client's health check, which reads, learns of a full disk. Nothing new is missed meanwhile.
    const notReady = writes.unavailableReason;
    if (notReady) {
      call.emit('error', unavailable(notReady));
      return;
    }
    read(log, call as Parameters<typeof read>[1]).catch((error: unknown) => {
      if (!call.cancelled) call.emit('error', failureResponse(error, logger));
    });
  };
  server.addService(withPreEncodedEvents(streamsGrpc.StreamsService), {
    read: readHandler,
    append: guardClientStreaming<AppendReq, AppendResp>(logger, (call, callback) => append(writes, logger, call, callback)),
    delete: guardUnary<DeleteReq, DeleteResp>(logger, (call, callback) => deleteStream(writes, logger, call, callback)),
    tombstone: guardUnary<TombstoneReq, TombstoneResp>(logger, (call, callback) => tombstoneStream(writes, logger, call, callback)),
    batchAppend: (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => {
      try {
        batchAppend(writes, logger, call);
      } catch (error) {
        call.emit('error', failureResponse(error, logger));
      }
    },
  } satisfies UntypedServiceImplementation);
  server.addService(serverFeaturesGrpc.ServerFeaturesService, {
    getSupportedMethods: supportedMethods(IMPLEMENTED_METHODS),
  } satisfies UntypedServiceImplementation);
  server.addService(gossipGrpc.GossipService, { read: gossip(endpoint) } satisfies UntypedServiceImplementation);
  return server;
}

/**
 * Read responses that carry events are encoded by hand (protocol/wire-event.ts) and handed to
 * grpc-js as Buffers; everything else still goes through the generated serializer.
 */
function withPreEncodedEvents(service: ServiceDefinition): ServiceDefinition {
  const read = service.read;
  if (!read) throw new Error('Streams service definition has no Read method');
  const serialize = read.responseSerialize;
  return { ...service, read: { ...read, responseSerialize: (value: unknown) => (Buffer.isBuffer(value) ? value : serialize(value)) } };
}

/** A synchronous throw in a handler becomes a status, never a crash. */
function guardUnary<Request, Response>(logger: Logger, handler: handleUnaryCall<Request, Response>): handleUnaryCall<Request, Response> {
  return (call, callback) => {
    try {
      handler(call, callback);
    } catch (error) {
      callback(failureResponse(error, logger));
    }
  };
}

function guardClientStreaming<Request, Response>(
  logger: Logger,
  handler: handleClientStreamingCall<Request, Response>,
): handleClientStreamingCall<Request, Response> {
  return (call, callback) => {
    try {
      handler(call, callback);
    } catch (error) {
      callback(failureResponse(error, logger));
    }
  };
}
