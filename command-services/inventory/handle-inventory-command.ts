import {
  decodeInventorySnapshot,
  encodeInventorySnapshot,
  inventoryDecider,
  inventoryEvent,
  inventoryStream,
  type InventoryCommand,
  type InventoryState,
} from '../../domain/inventory/index.ts';
import type { CommandContext } from '../shared/command-context.ts';
import type { CommandDependencies } from '../shared/command-dependencies.ts';
import { handleCommand } from '../shared/handle-command.ts';
import type { SnapshotPolicy } from '../shared/snapshot-policy.ts';

/**
 * A hot sku's stream holds 100,000+ events once the saga runs: a process that restarts, or a
 * command the cache cannot answer, loads the latest snapshot and at most about this many events.
 * A snapshot holds up to REMEMBERED_CLOSED_RESERVATIONS order ids (~200 KB), so taking one every
 * 1,000 events keeps them to a fraction of what they save.
 */
export const inventorySnapshots: SnapshotPolicy<InventoryState> = {
  every: 1_000,
  encode: encodeInventorySnapshot,
  decode: decodeInventorySnapshot,
};

/**
 * Every inventory command, from HTTP (receipts) or from the saga's requests (reserve, release,
 * commit), runs here against the sku's stream. One hot sku serialises its writers through the
 * expected revision; `maxAttempts` bounds how long one caller keeps re-deciding.
 */
export const handleInventoryCommand = (
  deps: CommandDependencies,
  command: InventoryCommand,
  context: CommandContext,
  options: { maxAttempts?: number } = {},
) =>
  handleCommand(deps, {
    decider: inventoryDecider,
    decode: (event) => inventoryEvent.parse(event),
    streamName: inventoryStream(command.data.sku),
    command,
    context,
    snapshot: inventorySnapshots,
    ...options,
  });
