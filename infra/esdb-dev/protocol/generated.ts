import { createRequire } from 'node:module';

/**
 * The client package's own generated gRPC definitions and protobuf classes.
 *
 * They are CommonJS, and their serializers check `instanceof` against these exact classes,
 * so every response must be built from the modules loaded here (the same copies the client
 * package and grpc-js resolve), never from a second copy of google-protobuf.
 */
const require = createRequire(import.meta.url);

export const streamsPb: typeof import('@eventstore/db-client/generated/streams_pb.js') = require(
  '@eventstore/db-client/generated/streams_pb.js',
);
export const sharedPb: typeof import('@eventstore/db-client/generated/shared_pb.js') = require(
  '@eventstore/db-client/generated/shared_pb.js',
);
export const statusPb: typeof import('@eventstore/db-client/generated/status_pb.js') = require(
  '@eventstore/db-client/generated/status_pb.js',
);
export const serverFeaturesPb: typeof import('@eventstore/db-client/generated/serverfeatures_pb.js') = require(
  '@eventstore/db-client/generated/serverfeatures_pb.js',
);
export const gossipPb: typeof import('@eventstore/db-client/generated/gossip_pb.js') = require(
  '@eventstore/db-client/generated/gossip_pb.js',
);
export const streamsGrpc: typeof import('@eventstore/db-client/generated/streams_grpc_pb.js') = require(
  '@eventstore/db-client/generated/streams_grpc_pb.js',
);
export const serverFeaturesGrpc: typeof import('@eventstore/db-client/generated/serverfeatures_grpc_pb.js') = require(
  '@eventstore/db-client/generated/serverfeatures_grpc_pb.js',
);
export const gossipGrpc: typeof import('@eventstore/db-client/generated/gossip_grpc_pb.js') = require(
  '@eventstore/db-client/generated/gossip_grpc_pb.js',
);
export const anyPb: typeof import('google-protobuf/google/protobuf/any_pb.js') = require(
  'google-protobuf/google/protobuf/any_pb.js',
);
export const emptyPb: typeof import('google-protobuf/google/protobuf/empty_pb.js') = require(
  'google-protobuf/google/protobuf/empty_pb.js',
);

export type ReadReq = import('@eventstore/db-client/generated/streams_pb.js').ReadReq;
export type ReadResp = import('@eventstore/db-client/generated/streams_pb.js').ReadResp;
export type AppendReq = import('@eventstore/db-client/generated/streams_pb.js').AppendReq;
export type AppendResp = import('@eventstore/db-client/generated/streams_pb.js').AppendResp;
export type BatchAppendReq = import('@eventstore/db-client/generated/streams_pb.js').BatchAppendReq;
export type BatchAppendResp = import('@eventstore/db-client/generated/streams_pb.js').BatchAppendResp;
export type DeleteReq = import('@eventstore/db-client/generated/streams_pb.js').DeleteReq;
export type DeleteResp = import('@eventstore/db-client/generated/streams_pb.js').DeleteResp;
export type TombstoneReq = import('@eventstore/db-client/generated/streams_pb.js').TombstoneReq;
export type TombstoneResp = import('@eventstore/db-client/generated/streams_pb.js').TombstoneResp;
export type UUID = import('@eventstore/db-client/generated/shared_pb.js').UUID;
export type StreamIdentifier = import('@eventstore/db-client/generated/shared_pb.js').StreamIdentifier;
