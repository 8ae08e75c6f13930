import { z } from 'zod';
import { parseNotifyPayload, positionText } from '../shared/notify-payload.ts';

/** What a projection runner announces on `projection_changes` for each changed row (commit-batch.ts). */
const announcement = z.object({
  projection: z.string().min(1),
  topic: z.string().min(1),
  key: z.string().min(1),
  position: positionText,
  /** When the event was appended (epoch ms); absent from announcements of older runners. */
  appendedAt: z.number().finite().optional(),
});

export type ChangeAnnouncement = z.infer<typeof announcement>;

/** The announcement in a NOTIFY payload, or undefined for anything else. */
export const parseChangeAnnouncement = (payload: string): ChangeAnnouncement | undefined => parseNotifyPayload(announcement, payload);
