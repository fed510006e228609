/**
 * client-output-buffer-limit: the pubsub class of the directive's value
 * ("normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60"). 0 disables a limit.
 */
import { parseMemory } from './parse.js';

export interface ObufLimit { hard: number; soft: number; softSeconds: number }

export function pubsubOutputLimit(raw: string): ObufLimit {
  let limit: ObufLimit = { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 };
  const parts = raw.split(/\s+/).filter(Boolean);
  for (let i = 0; i + 3 < parts.length; i += 4) {
    if (parts[i]!.toLowerCase() !== 'pubsub') continue;
    const hard = parseMemory(parts[i + 1]!);
    const soft = parseMemory(parts[i + 2]!);
    const secs = Number(parts[i + 3]);
    if (hard !== null && soft !== null && Number.isFinite(secs)) limit = { hard, soft, softSeconds: secs };
  }
  return limit;
}
