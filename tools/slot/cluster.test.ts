import { describe, expect, it } from 'vitest';
import { RespMap } from '../resp/types.js';
import { slotMapFromClusterShards, slotMapFromClusterSlots } from './cluster.js';

describe('cluster slot maps', () => {
  it('reads CLUSTER SLOTS (RESP2 arrays)', () => {
    const m = slotMapFromClusterSlots([
      [0, 5460, [Buffer.from('10.0.0.1'), 7000, Buffer.from('id1')], [Buffer.from('10.0.0.4'), 7003, Buffer.from('id4')]],
      [5461, 16383, [Buffer.from(''), 7001, Buffer.from('id2')]],
    ], 'seed.example');
    expect(m.nodeFor(0)).toBe('10.0.0.1:7000');
    expect(m.nodeFor(5460)).toBe('10.0.0.1:7000');
    expect(m.nodeFor(5461)).toBe('seed.example:7001');
    expect(m.nodes).toEqual(['10.0.0.1:7000', 'seed.example:7001']);
  });

  it('reads CLUSTER SHARDS as RESP2 flat pairs and as RESP3 maps; skips replicas; leaves gaps unassigned', () => {
    const b = (s: string): Buffer => Buffer.from(s);
    const node2 = [b('id'), b('x'), b('port'), 7000, b('ip'), b('::1'), b('endpoint'), b('::1'), b('role'), b('master')];
    const replica = [b('id'), b('y'), b('port'), 7009, b('ip'), b('10.0.0.9'), b('endpoint'), b('10.0.0.9'), b('role'), b('replica')];
    const shard3 = new RespMap([
      [b('slots'), [8000, 16383]],
      [b('nodes'), [new RespMap([[b('port'), 7002], [b('ip'), b('')], [b('endpoint'), b('?')], [b('role'), b('master')]])]],
    ]);
    const m = slotMapFromClusterShards([[b('slots'), [0, 100, 200, 300], b('nodes'), [replica, node2]], shard3], 'seed');
    expect(m.nodeFor(50)).toBe('[::1]:7000');
    expect(m.nodeFor(250)).toBe('[::1]:7000');
    expect(m.nodeFor(150)).toBeUndefined();
    expect(m.nodeFor(9000)).toBe('seed:7002');
  });
});
