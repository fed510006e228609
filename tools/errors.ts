/**
 * One registry of coded errors for the whole toolkit (the fastify pattern).
 *
 * Every failure that reaches a user is a `RedkitError` with a stable `code` from `ERROR_CODES`,
 * a human message, and where it applies the file and byte offset. Codes are never reused or
 * renamed: scripts match on them. The CLI prints `redkit: <message>` (plus ` at offset N`) and
 * exits non-zero; it never prints a stack trace for a RedkitError.
 *
 * Add a code here (with its one-line meaning) before throwing it anywhere.
 */

export const ERROR_CODES = {
  // generic I/O
  REDKIT_E_NOT_FOUND: 'input file does not exist',
  REDKIT_E_IS_DIRECTORY: 'input is a directory where a file was expected',
  REDKIT_E_IO: 'reading or writing failed',
  REDKIT_E_USAGE: 'bad command-line usage',
  REDKIT_E_EMPTY_INPUT: 'input is empty',
  REDKIT_E_LZ4: 'LZ4 frame could not be decoded',

  // RESP
  REDKIT_E_RESP_PROTOCOL: 'RESP protocol violation',
  REDKIT_E_RESP_TOO_BIG: 'RESP element larger than the configured limit',

  // RDB
  REDKIT_E_RDB_NOT_RDB: 'file does not start with an RDB header',
  REDKIT_E_RDB_VERSION: 'RDB version is not supported',
  REDKIT_E_RDB_TRUNCATED: 'RDB file ends before the EOF opcode',
  REDKIT_E_RDB_BAD_CRC: 'RDB CRC64 checksum does not match',
  REDKIT_E_RDB_UNKNOWN_TYPE: 'unknown RDB object type or opcode',
  REDKIT_E_RDB_CORRUPT: 'RDB structure is inconsistent',

  // AOF
  REDKIT_E_AOF_FORMAT: 'AOF is not valid RESP where a command was expected',
  REDKIT_E_AOF_TRUNCATED: 'AOF ends in the middle of a command',
  REDKIT_E_AOF_MANIFEST: 'AOF manifest is invalid',

  // MONITOR / slot
  REDKIT_E_MONITOR_INPUT: 'MONITOR input could not be read',
  REDKIT_E_SLOT_INPUT: 'key input is invalid (e.g. bad hex)',

  // network / servers
  REDKIT_E_CONNECT: 'could not connect to the Redis server',
  REDKIT_E_AUTH: 'authentication with the Redis server failed',
  REDKIT_E_TIMEOUT: 'the operation timed out',
  REDKIT_E_REPLY: 'the server replied with an error',
  REDKIT_E_CONFIG: 'configuration directive is invalid',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface RedkitErrorDetails {
  /** Path of the file the error is about, when there is one. */
  file?: string;
  /** Byte offset in `file` (or in the input stream) where the problem starts. */
  offset?: number;
  cause?: unknown;
}

export class RedkitError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;
  readonly offset: number | undefined;

  constructor(code: ErrorCode, message: string, details: RedkitErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'RedkitError';
    this.code = code;
    this.file = details.file;
    this.offset = details.offset;
  }

  /** The one-line form the CLI prints after `redkit: `. */
  describe(): string {
    return this.offset === undefined ? this.message : `${this.message} at offset ${this.offset}`;
  }
}

export function isRedkitError(err: unknown): err is RedkitError {
  return err instanceof RedkitError;
}

/**
 * Turns a Node.js system error from opening a path into the coded error users should see
 * (ENOENT -> REDKIT_E_NOT_FOUND, EISDIR -> REDKIT_E_IS_DIRECTORY, anything else -> REDKIT_E_IO).
 */
export function fromSystemError(err: unknown, file: string): RedkitError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new RedkitError('REDKIT_E_NOT_FOUND', `${file}: no such file`, { file, cause: err });
  if (code === 'EISDIR') return new RedkitError('REDKIT_E_IS_DIRECTORY', `${file}: is a directory`, { file, cause: err });
  const reason = err instanceof Error ? err.message : String(err);
  return new RedkitError('REDKIT_E_IO', `${file}: ${reason}`, { file, cause: err });
}
