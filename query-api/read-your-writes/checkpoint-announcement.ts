import { z } from 'zod';
import { parseNotifyPayload, positionText } from '../shared/notify-payload.ts';

/** What a projection runner announces on the checkpoint channel after each commit (commit-batch.ts). */
const announcement = z.object({ projection: z.string().min(1), position: positionText });

export type CheckpointAnnouncement = z.infer<typeof announcement>;

/** The announcement in a NOTIFY payload, or undefined for anything else. */
export const parseCheckpointAnnouncement = (payload: string): CheckpointAnnouncement | undefined => parseNotifyPayload(announcement, payload);
