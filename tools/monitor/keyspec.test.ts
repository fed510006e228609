import { describe, expect, it } from 'vitest';
import { keyPositions } from './keyspec.js';

describe('key positions (Redis 7.0 key specs)', () => {
  const keys = (...args: string[]): string[] => keyPositions(args).map((i) => args[i]!);

  it('finds simple and multi-key commands', () => {
    expect(keys('GET', 'k')).toEqual(['k']);
    expect(keys('set', 'k', 'v')).toEqual(['k']);
    expect(keys('MSET', 'a', '1', 'b', '2')).toEqual(['a', 'b']);
    expect(keys('MGET', 'a', 'b', 'c')).toEqual(['a', 'b', 'c']);
    expect(keys('DEL', 'a', 'b')).toEqual(['a', 'b']);
    expect(keys('BLPOP', 'q1', 'q2', '0')).toEqual(['q1', 'q2']);
    expect(keys('RENAME', 'a', 'b')).toEqual(['a', 'b']);
    expect(keys('LMOVE', 'a', 'b', 'LEFT', 'RIGHT')).toEqual(['a', 'b']);
  });

  it('has no key for key-less commands (SELECT, PING, AUTH, CLIENT SETNAME, INFO)', () => {
    expect(keys('SELECT', '0')).toEqual([]);
    expect(keys('PING')).toEqual([]);
    expect(keys('AUTH', '(redacted)')).toEqual([]);
    expect(keys('CLIENT', 'SETNAME', 'x')).toEqual([]);
    expect(keys('INFO', 'ALL')).toEqual([]);
    expect(keys('PUBLISH', 'chan', 'msg')).toEqual([]);
    expect(keys('SPUBLISH', 'chan', 'msg')).toEqual([]);
  });

  it('handles numkeys commands (EVAL, EVALSHA, FCALL, ZUNIONSTORE, LMPOP)', () => {
    expect(keys('EVAL', 'return 1', '2', 'a', 'b', 'argv1')).toEqual(['a', 'b']);
    expect(keys('EVALSHA', 'd3c21d0c2b9ca22f82737626a27bcaf5d288f99f', '0')).toEqual([]);
    expect(keys('FCALL', 'myfunc', '1', 'counter', 'x')).toEqual(['counter']);
    expect(keys('ZUNIONSTORE', 'dst', '2', 'z1', 'z2', 'WEIGHTS', '1', '2')).toEqual(['dst', 'z1', 'z2']);
    expect(keys('LMPOP', '2', 'l1', 'l2', 'LEFT')).toEqual(['l1', 'l2']);
    expect(keys('EVAL', 'x', 'notanumber', 'a')).toEqual([]);
    expect(keys('EVAL', 'x', '5', 'a')).toEqual([]);
  });

  it('handles keyword commands (XREAD/XREADGROUP STREAMS, GEORADIUS STORE)', () => {
    expect(keys('XREAD', 'COUNT', '2', 'STREAMS', 's1', 's2', '0', '0')).toEqual(['s1', 's2']);
    expect(keys('XREADGROUP', 'GROUP', 'g', 'c', 'streams', 's1', '>')).toEqual(['s1']);
    expect(keys('GEORADIUS', 'g', '0', '0', '1', 'km', 'STORE', 'dst')).toEqual(['g', 'dst']);
  });

  it('handles subcommands and the special cases (OBJECT, SORT, MIGRATE)', () => {
    expect(keys('OBJECT', 'ENCODING', 'k')).toEqual(['k']);
    expect(keys('object', 'freq', 'k')).toEqual(['k']);
    expect(keys('XGROUP', 'CREATE', 's', 'g', '$')).toEqual(['s']);
    expect(keys('MEMORY', 'USAGE', 'k')).toEqual(['k']);
    expect(keys('SORT', 'l', 'BY', 'w_*', 'LIMIT', '0', '1', 'GET', '#', 'STORE', 'dst')).toEqual(['l', 'dst']);
    expect(keys('SORT', 'big:list', 'LIMIT', '0', '1')).toEqual(['big:list']);
    expect(keys('MIGRATE', 'h', '6379', 'k', '0', '100')).toEqual(['k']);
    expect(keys('MIGRATE', 'h', '6379', '', '0', '100', 'COPY', 'AUTH', 'pw', 'KEYS', 'a', 'b')).toEqual(['a', 'b']);
  });
});
