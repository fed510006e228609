/** Minimal binary-safe RESP2 pipeline for tests: sends all commands, returns the flat replies. */
import { connect } from 'node:net';

export type Reply = string | number | Buffer | null | Error;

function encode(args: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a0 of args) {
    const a = typeof a0 === 'string' ? Buffer.from(a0) : a0;
    parts.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Supports simple, error, integer and bulk replies (no arrays). */
export async function pipeline(port: number, commands: Array<Array<string | Buffer>>): Promise<Reply[]> {
  const sock = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject); });
  sock.write(Buffer.concat(commands.map(encode)));
  const out: Reply[] = [];
  let buf = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    sock.on('error', reject);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const nl = buf.indexOf('\r\n');
        if (nl < 0) break;
        const head = buf.subarray(1, nl).toString();
        const t = buf[0];
        if (t === 0x24) {
          const n = Number(head);
          if (n < 0) { out.push(null); buf = buf.subarray(nl + 2); continue; }
          if (buf.length < nl + 2 + n + 2) break;
          out.push(Buffer.from(buf.subarray(nl + 2, nl + 2 + n)));
          buf = buf.subarray(nl + 2 + n + 2);
          continue;
        }
        out.push(t === 0x3a ? Number(head) : t === 0x2d ? new Error(head) : head);
        buf = buf.subarray(nl + 2);
      }
      if (out.length >= commands.length) resolve();
    });
  });
  sock.destroy();
  return out;
}
