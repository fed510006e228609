import type { Command } from 'commander';
import type { CliContext } from '../cli/context.js';
export function registerAofExtras(_aof: Command, _ctx: CliContext): void {}
export async function runStrictCli(_path: string, _o: { json: boolean }, _ctx: CliContext): Promise<number> { return 1; }
