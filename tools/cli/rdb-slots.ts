/** `redkit rdb slots DUMP`: registered on the `rdb` command by tools/cli/rdb.ts. (Being built, issue 4.) */
import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function registerRdbSlots(_rdb: Command, _ctx: CliContext): void {}
