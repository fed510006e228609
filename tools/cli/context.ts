/**
 * What every CLI family module gets: a place to put the exit code, and the streams to print to.
 * Family modules (rdb.ts, aof.ts, …) register their commands on the commander program; the
 * library does the work and returns structured results; only this layer prints and decides
 * exit codes.
 */
import type { Command } from 'commander';

export interface CliContext {
  /** Set by an action; main() returns it. Defaults to 0. */
  exitCode: number;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export type RegisterCommands = (program: Command, ctx: CliContext) => void;
