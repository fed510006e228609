/**
 * The registry: every family module's commands. Kernel-owned; family modules are owned by their
 * helpers (see tools/server/README.md).
 */
import type { CommandSpec } from '../command.js';
import { commands as string } from './string.js';
import { commands as keyspace } from './keyspace.js';
import { commands as connection } from './connection.js';
import { commands as pubsub } from './pubsub.js';
import { commands as multi } from './multi.js';
import { commands as admin } from './admin.js';
import { commands as tracking } from './tracking.js';
import { commands as list } from './list.js';
import { commands as hash } from './hash.js';
import { commands as set } from './set.js';
import { commands as zset } from './zset.js';
import { commands as sort } from './sort.js';
import { commands as stream } from './stream.js';
import { commands as hyperloglog } from './hyperloglog.js';
import { commands as geo } from './geo.js';
import { commands as bitops } from './bitops.js';
import { commands as dump } from './dump.js';

export const ALL_COMMANDS: CommandSpec[] = [
  ...string, ...keyspace, ...connection, ...pubsub, ...multi, ...admin, ...tracking,
  ...list, ...hash, ...set, ...zset, ...sort, ...stream, ...hyperloglog, ...geo, ...bitops, ...dump,
];
