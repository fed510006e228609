/**
 * Transactions (multi.c): MULTI, EXEC, DISCARD, WATCH, UNWATCH.
 */
import { def, type CommandSpec } from '../command.js';
import type { ClientState } from '../client.js';

export const commands: CommandSpec[] = [
  def('multi', 1, 'noscript loading stale fast allow_busy', [0, 0, 0], 'transactions', '1.2.0', (c) => {
    if (c.client.multi !== null) { c.reply.error('ERR MULTI calls can not be nested'); return; }
    c.client.multi = [];
    c.client.dirtyExec = false;
    c.reply.ok();
  }),
  def('discard', 1, 'noscript loading stale fast allow_busy', [0, 0, 0], 'transactions', '2.0.0', (c) => {
    if (c.client.multi === null) { c.reply.error('ERR DISCARD without MULTI'); return; }
    c.client.multi = null;
    c.client.dirtyExec = false;
    c.server.unwatchAll(c.client);
    c.reply.ok();
  }),
  def('exec', 1, 'noscript loading stale skip_slowlog', [0, 0, 0], 'transactions', '1.2.0', (c) => {
    const cl = c.client;
    const srv = c.server;
    if (cl.multi === null) { c.reply.error('ERR EXEC without MULTI'); return; }
    const queue = cl.multi;
    if (cl.dirtyExec) {
      cl.multi = null; cl.dirtyExec = false;
      srv.unwatchAll(cl);
      c.reply.error('EXECABORT Transaction discarded because of previous errors.');
      return;
    }
    // WATCHed keys that expired since WATCH also abort (isWatchedKeyExpired).
    let dirty = cl.dirtyCas;
    if (!dirty) {
      const now = srv.clock();
      for (const w of cl.watched) {
        if (w.expired) continue;
        const at = w.db.expires.get(w.key);
        if (at !== undefined && at <= now && w.db.contains(w.key)) { dirty = true; break; }
      }
    }
    cl.multi = null;
    if (dirty) {
      srv.unwatchAll(cl);
      c.reply.nullArray();
      return;
    }
    srv.unwatchAll(cl);
    c.reply.arrayHeader(queue.length);
    cl.inExec = true;
    try {
      for (const q of queue) {
        // ACL may have changed between queueing and EXEC.
        if (cl.user !== 'default' || !srv.acl.defaultIsAllPowerful()) {
          const err = srv.acl.check(cl, q.spec, q.argv);
          if (err) { c.reply.error(err); continue; }
        }
        srv.call(cl, q.spec, q.argv);
      }
    } finally {
      cl.inExec = false;
    }
  }),
  def('watch', -2, 'noscript loading stale fast allow_busy', [1, -1, 1], 'transactions', '2.2.0', (c, argv) => {
    const cl = c.client;
    if (cl.multi !== null) { c.reply.error('ERR WATCH inside MULTI is not allowed'); return; }
    if (cl.dirtyCas) { c.reply.ok(); return; }
    const db = c.db;
    for (let i = 1; i < argv.length; i++) {
      const key = argv[i]!;
      if (cl.watched.some((w) => w.db === db && w.key === key)) continue;
      const at = db.expires.get(key);
      const expired = at !== undefined && at <= c.server.clock();
      cl.watched.push({ db, key, expired });
      let set = db.watched.get(key) as Set<ClientState> | undefined;
      if (!set) { set = new Set(); db.watched.set(key, set as Set<unknown>); }
      set.add(cl);
    }
    c.reply.ok();
  }),
  def('unwatch', 1, 'noscript loading stale fast allow_busy', [0, 0, 0], 'transactions', '2.2.0', (c) => {
    c.server.unwatchAll(c.client);
    c.reply.ok();
  }),
];
