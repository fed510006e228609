/** CLIENT TRACKING / CACHING / TRACKINGINFO (client-side caching; see ../tracking.ts). */
import { def, type CommandSpec } from '../command.js';

export const commands: CommandSpec[] = [];

/** Subcommands added to CLIENT by commands/connection.ts. */
export const clientTrackingSubcommands: CommandSpec[] = [
  def('client|tracking', -3, 'noscript loading stale', [0, 0, 0], 'connection', '6.0.0', (c, argv) => {
    const onoff = argv[2]!.toLowerCase();
    const tr = c.server.tracking;
    if (onoff !== 'on' && onoff !== 'off') { c.syntaxError(); return; }
    let redirect = 0, bcast = false, optin = false, optout = false, noloop = false;
    const prefixes: string[] = [];
    for (let i = 3; i < argv.length; i++) {
      const o = argv[i]!.toLowerCase();
      const more = i + 1 < argv.length;
      if (o === 'redirect' && more) {
        if (redirect) { c.reply.error('ERR A client can only redirect to a single other client'); return; }
        const id = c.parseInt(argv[++i]!);
        if (id === null) return;
        redirect = id;
        if (id === c.client.id) { /* allowed in Redis? treat as normal */ }
      } else if (o === 'bcast') bcast = true;
      else if (o === 'optin') optin = true;
      else if (o === 'optout') optout = true;
      else if (o === 'noloop') noloop = true;
      else if (o === 'prefix' && more) prefixes.push(argv[++i]!);
      else { c.syntaxError(); return; }
    }
    if (onoff === 'off') {
      tr.disable(c.client);
      c.reply.ok();
      return;
    }
    const cur = c.client.tracking;
    if (cur && cur.bcast !== bcast) { c.reply.error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode."); return; }
    if (!bcast && prefixes.length) { c.reply.error('ERR PREFIX option requires BCAST mode to be enabled'); return; }
    if (bcast && (optin || optout)) { c.reply.error('ERR OPTIN and OPTOUT are not compatible with BCAST'); return; }
    if (optin && optout) { c.reply.error("ERR You can't use both OPTIN and OPTOUT"); return; }
    if (cur && ((optin && cur.optout) || (optout && cur.optin))) { c.reply.error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode."); return; }
    if (redirect && !c.server.clients.has(redirect)) { c.reply.error('ERR The client ID you want redirect to does not exist'); return; }
    if (bcast) {
      const err = tr.checkPrefixes(c.client, prefixes);
      if (err) { c.reply.error(err); return; }
    }
    tr.enable(c.client, { redirect, bcast, optin, optout, noloop, prefixes });
    c.reply.ok();
  }),
  def('client|caching', 3, 'noscript loading stale', [0, 0, 0], 'connection', '6.0.0', (c, argv) => {
    const t = c.client.tracking;
    if (!t || (!t.optin && !t.optout)) { c.reply.error('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled'); return; }
    const v = argv[2]!.toLowerCase();
    if (v === 'yes') {
      if (!t.optin) { c.reply.error('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.'); return; }
      t.caching = true;
    } else if (v === 'no') {
      if (!t.optout) { c.reply.error('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.'); return; }
      t.caching = false;
    } else { c.syntaxError(); return; }
    c.reply.ok();
  }),
  def('client|trackinginfo', 2, 'noscript loading stale', [0, 0, 0], 'connection', '6.2.0', (c) => {
    const t = c.client.tracking;
    const flags: string[] = [];
    if (!t) flags.push('off');
    else {
      flags.push('on');
      if (t.bcast) flags.push('bcast');
      if (t.optin) flags.push('optin');
      if (t.optout) flags.push('optout');
      if (t.caching === true) flags.push('caching-yes');
      if (t.caching === false) flags.push('caching-no');
      if (t.noloop) flags.push('noloop');
      if (t.broken) flags.push('broken_redirect');
    }
    c.reply.mapHeader(3);
    c.reply.bulk('flags'); c.reply.setHeader(flags.length); for (const f of flags) c.reply.bulk(f);
    c.reply.bulk('redirect'); c.reply.integer(t ? t.redirect : -1);
    c.reply.bulk('prefixes'); c.reply.strings(t ? t.prefixes : []);
  }),
];
