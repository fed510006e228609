/** geo commands (owned by the family's helper; see tools/server/README.md). */
import type { CommandSpec } from '../command.js';

export const commands: CommandSpec[] = [] satisfies CommandSpec[];
