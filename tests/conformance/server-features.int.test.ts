import type { EventStoreDBClient } from '@eventstore/db-client';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from './support/esdb.ts';

// Protocol §4: the client appends over BatchAppend if and only if the server lists it among its
// supported methods, as every 23.10+ node does. The append tests run "through BatchAppend" only
// when this holds, so it is checked here, with the very call the client makes to decide.
describe('the methods the server advertises', () => {
  let client: EventStoreDBClient;

  beforeAll(() => {
    client = connectClient();
  });
  afterAll(() => client.dispose());

  it('include BatchAppend, which the client then uses for every append without per-call credentials', async () => {
    // Bracket access reaches the client's protected capability check: the decision, not a guess.
    const advertised = await client['supports'](StreamsService.batchAppend);

    expect(advertised).toBe(true);
  });
});
