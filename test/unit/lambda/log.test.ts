// The one place that writes log lines: every address in a line is masked before it is written.

import { describe, expect, it } from 'vitest';
import { maskAddressesIn } from '../../../lambda/log.ts';

describe('maskAddressesIn', () => {
  it.each([
    ['send to taro@example.com failed', 'send to t***@example.com failed'],
    ["o'brien@example.ie rejected", 'o***@example.ie rejected'],
    ['a@b.1 and x@[127.0.0.1]', 'a***@b.1 and x***@[127.0.0.1]'],
    ['Identities failed the check: <hanako@example.jp>', 'Identities failed the check: <h***@example.jp>'],
  ])('masks every address in %j', (text, masked) => {
    expect(maskAddressesIn(text)).toBe(masked);
  });
});
