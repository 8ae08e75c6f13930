import { describe, expect, it } from 'vitest';
import { formatPosition, MAX_POSITION, parsePosition } from '../../infra/event-store/index.ts';

describe('a position on the wire', () => {
  it('is read from a decimal string up to 2^64-1', () => {
    expect(parsePosition('0')).toBe(0n);
    expect(parsePosition('18446744073709551615')).toBe(MAX_POSITION);
    expect(parsePosition('9007199254740993')).toBe(9007199254740993n);
  });

  it.each(['', '-1', '01', '1.5', '1e3', ' 1', '0x10', '18446744073709551616', '99999999999999999999', 'abc'])(
    'refuses %j',
    (text) => {
      expect(parsePosition(text)).toBeUndefined();
    },
  );

  it('is written as the same decimal string, beyond the precision of a JSON number', () => {
    expect(formatPosition(9007199254740993n)).toBe('9007199254740993');
    expect(parsePosition(formatPosition(MAX_POSITION))).toBe(MAX_POSITION);
  });
});
