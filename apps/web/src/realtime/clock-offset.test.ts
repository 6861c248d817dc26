import { describe, expect, it } from 'vitest';
import { clockOffsetFromPing } from './clock-offset';

describe('clockOffsetFromPing', () => {
  it('finds a center clock 5 s ahead, allowing for the round trip', () => {
    const sent = Date.parse('2025-01-01T08:00:00.000Z');
    // 200 ms round trip; the server answered at its 08:00:05.100 = our 08:00:00.100.
    expect(clockOffsetFromPing(sent, sent + 200, '2025-01-01T08:00:05.100Z')).toBe(5_000);
  });

  it('finds a center clock behind as a negative offset', () => {
    const sent = Date.parse('2025-01-01T08:00:00.000Z');
    expect(clockOffsetFromPing(sent, sent + 100, '2025-01-01T07:59:58.050+00:00')).toBe(-2_000);
  });

  it('gives up on a garbled server time', () => {
    expect(clockOffsetFromPing(0, 10, 'yesterday')).toBeNull();
  });
});
