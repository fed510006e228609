/**
 * `redkit rdb slots DUMP [--nodes nodes.conf] [--json] [--per-slot]`: keys and bytes per hash
 * slot and per cluster node, registered on the `rdb` command by tools/cli/rdb.ts.
 *
 *   redkit rdb slots dump.rdb                       # totals, per-slot spread, heaviest slots
 *   redkit rdb slots dump.rdb --nodes nodes.conf    # + how that cluster layout would split it
 *   redkit rdb slots dump.rdb --per-slot            # SLOT<TAB>KEYS<TAB>BYTES for all 16384 slots
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { fromSystemError, RedkitError } from '../errors.js';
import { openInput } from '../io/files.js';
import { readRdbBatches } from '../rdb/reader.js';
import { parseNodesConf, rdbSlotsJson, rdbSlotsReport, renderRdbSlots, type NodesConf } from '../slot/rdb-slots.js';
import { CLUSTER_SLOTS } from '../slot/index.js';

interface Flags {
  nodes?: string;
  json?: boolean;
  perSlot?: boolean;
  top: string;
  ignoreCrc?: boolean;
}

export function registerRdbSlots(rdb: Command, ctx: CliContext): void {
  rdb
    .command('slots')
    .description('keys and bytes per Redis Cluster hash slot (and per node with --nodes), for planning a move to Redis Cluster')
    .argument('<dump>', 'RDB file (- for stdin)')
    .option('--nodes <nodes.conf>', 'cluster nodes.conf (CLUSTER NODES output): add keys and bytes per node')
    .option('--json', 'print JSON')
    .option('--per-slot', 'print SLOT<TAB>KEYS<TAB>BYTES for every slot')
    .option('--top <N>', 'heaviest slots to list', '10')
    .option('--ignore-crc', 'accept a dump whose CRC64 does not match')
    .action(async (dump: string, flags: Flags) => {
      const top = Number(flags.top);
      if (!Number.isInteger(top) || top < 0) throw new RedkitError('REDKIT_E_USAGE', `--top must be a non-negative integer, not ${JSON.stringify(flags.top)}`);
      let nodes: NodesConf | undefined;
      if (flags.nodes) {
        let text: string;
        try {
          text = await readFile(flags.nodes, 'utf8');
        } catch (err) {
          throw fromSystemError(err, flags.nodes);
        }
        nodes = parseNodesConf(text, flags.nodes);
      }
      const input = await openInput(dump);
      const report = await rdbSlotsReport(readRdbBatches(input.source, { fileName: input.name, keysOnly: true, ignoreCrc: !!flags.ignoreCrc }), { nodes, top });
      let text: string;
      if (flags.json) text = `${JSON.stringify(rdbSlotsJson(report), null, 2)}\n`;
      else if (flags.perSlot) {
        const parts: string[] = ['SLOT\tKEYS\tBYTES\n'];
        for (let s = 0; s < CLUSTER_SLOTS; s++) parts.push(`${s}\t${report.perSlot.keys[s]}\t${report.perSlot.bytes[s]}\n`);
        text = parts.join('');
      } else text = renderRdbSlots(report);
      await new Promise<void>((resolve, reject) => ctx.stdout.write(text, (err) => (err ? reject(err) : resolve())));
    });
}
