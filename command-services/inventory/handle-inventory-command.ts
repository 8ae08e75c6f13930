import { inventoryDecider, inventoryEvent, inventoryStream, type InventoryCommand } from '../../domain/inventory/index.ts';
import type { CommandContext } from '../shared/command-context.ts';
import type { CommandDependencies } from '../shared/command-dependencies.ts';
import { handleCommand } from '../shared/handle-command.ts';

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
    ...options,
  });
