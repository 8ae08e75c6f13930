import type { LiveRow } from './live-topics.ts';

/**
 * The frames the server sends, as UTF-8 buffers built once and handed to every socket that gets them:
 * a row's data is serialised once per change, whatever the number of subscribers.
 */
export const frame = (message: Record<string, unknown>): Buffer => Buffer.from(JSON.stringify(message));

export const refetchFrame = (topic: string): Buffer => frame({ op: 'refetch', topic });

/** One row's update frames, per topic name (`order:<id>`, `orders`), each built on first use. */
export function updateFrames(row: LiveRow): { forTopic(topic: string): Buffer } {
  const built = new Map<string, Buffer>();
  let data: string | undefined;
  return {
    forTopic(topic) {
      let frameOfTopic = built.get(topic);
      if (!frameOfTopic) {
        data ??= JSON.stringify(row.data);
        frameOfTopic = Buffer.from(`{"op":"update","topic":${JSON.stringify(topic)},"position":"${row.position.toString(10)}","data":${data}}`);
        built.set(topic, frameOfTopic);
      }
      return frameOfTopic;
    },
  };
}
