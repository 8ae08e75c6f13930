import { binaryEvent, type EventStoreDBClient, type ResolvedEvent } from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, jsonEvents, uniquePrefix } from './support/esdb.ts';

/** A link event as projections write them: type `$>`, data `"<revision>@<stream>"`. */
const linkTo = (revision: number, stream: string) =>
  binaryEvent({ type: '$>', data: new TextEncoder().encode(`${revision}@${stream}`) });

async function readResolved(client: EventStoreDBClient, stream: string, resolveLinkTos: boolean) {
  const resolved: ResolvedEvent[] = [];
  for await (const entry of client.readStream(stream, { resolveLinkTos })) resolved.push(entry);
  return resolved;
}

// Protocol §7 "resolve_links": a `$>` event whose data names an event is replaced by that event
// (the link record travels along) when the reader asks; otherwise it is an ordinary event.
describe('reading a stream of links', () => {
  let client: EventStoreDBClient;
  let target: string;
  let links: string;

  // Given a target stream of two events, and a link stream pointing at its revision 1 and at a
  // revision that does not exist.
  beforeAll(async () => {
    client = connectClient();
    const prefix = uniquePrefix('links');
    target = `${prefix}-target`;
    links = `${prefix}-links`;
    await client.appendToStream(target, jsonEvents(2, 'Linked'));
    await client.appendToStream(links, [linkTo(1, target), linkTo(7, target)]);
  });
  afterAll(() => client.dispose());

  it('returns the link records themselves when links are not resolved', async () => {
    const resolved = await readResolved(client, links, false);

    expect(resolved.map((r) => [r.event?.type, r.link])).toEqual([
      ['$>', undefined],
      ['$>', undefined],
    ]);
  });

  it('returns the target event with its link record when links are resolved', async () => {
    const [first] = await readResolved(client, links, true);

    expect(first!.event).toMatchObject({ streamId: target, revision: 1n, type: 'Linked', data: { index: 1 } });
    expect(first!.link).toMatchObject({ streamId: links, revision: 0n, type: '$>' });
  });

  it('returns only the link record when its target does not exist', async () => {
    const [, second] = await readResolved(client, links, true);

    expect(second!.event).toBeUndefined();
    expect(second!.link).toMatchObject({ streamId: links, revision: 1n, type: '$>' });
  });
});
