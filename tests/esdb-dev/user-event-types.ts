import { EventStoreDBClient } from '@eventstore/db-client';

/** The types of every event in `$all` that is not a system event, in log order. */
export async function userEventTypes(url: string): Promise<string[]> {
  const client = EventStoreDBClient.connectionString(url);
  try {
    const types = [];
    for await (const { event } of client.readAll()) if (event && !event.streamId.startsWith('$')) types.push(event.type);
    return types;
  } finally {
    await client.dispose();
  }
}
