/**
 * MONITOR analysis: parse `redis-cli MONITOR` output (any Redis version, every client kind),
 * and report on it, either redis-faina's report byte for byte (`FainaAnalyzer`) or the
 * corrected default report (`MonitorAnalyzer` + `renderReport`, or its JSON).
 *
 *   const a = new MonitorAnalyzer({ redisVersion: '7.0' });
 *   for await (const chunk of source) a.push(chunk);
 *   console.log(renderReport(a.finish()));
 */
export { MonitorLine, unescapeRepr, reprBytes, type ClientKind } from './parser.js';
export { MonitorAnalyzer, displayName, versionNumber, type MonitorOptions, type MonitorReport } from './analyze.js';
export { renderReport } from './report.js';
export { FainaAnalyzer, type FainaOptions } from './faina.js';
export { keyPositions, keyPositionsInto, KEY_SPECS, SCRIPT_COMMANDS } from './keyspec.js';
export { LineSplitter } from './lines.js';
