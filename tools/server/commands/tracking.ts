/** Client-side caching (CLIENT TRACKING …): see tracking.ts in the kernel. */
import type { CommandSpec } from '../command.js';

export const commands: CommandSpec[] = [];
