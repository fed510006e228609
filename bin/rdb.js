#!/usr/bin/env node
// `rdb` is redis-rdb-tools' command name; scripts call it as `rdb --command json dump.rdb`.
import { main } from '../dist/tools/cli/main.js';

process.exitCode = await main(['rdb', ...process.argv.slice(2)]);
