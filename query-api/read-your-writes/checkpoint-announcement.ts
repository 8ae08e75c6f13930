import { z } from 'zod';
import { parsePosition } from '../../infra/event-store/index.ts';

/** What a projection runner announces on the checkpoint channel after each commit (commit-batch.ts). */
const announcement = z.object({
  projection: z.string().min(1),
  position: z.string().transform((text, context) => parsePosition(text) ?? (context.addIssue({ code: 'custom', message: 'not a uint64 position' }), z.NEVER)),
});

export type CheckpointAnnouncement = { projection: string; position: bigint };

/**
 * The announcement in a NOTIFY payload, or undefined for anything else: any session of the database may
 * NOTIFY on the channel, so a payload is input like any other, never trusted to parse.
 */
export function parseCheckpointAnnouncement(payload: string): CheckpointAnnouncement | undefined {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const parsed = announcement.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
