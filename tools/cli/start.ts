/** CLI family module for `redkit start` (what `npm start` runs): registered by main.ts. (Being built.) */
import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function register(_program: Command, _ctx: CliContext): void {}
