// The lazy loader the SES client, the DynamoDB store and the credential chain share: one load for
// every caller, even those that ask while it is under way, and another try after a failed one.

import { describe, expect, it } from 'vitest';
import { loadOnce } from '../../../lambda/loadOnce.ts';

describe('loadOnce', () => {
  it('does not load until asked, then loads once for callers that ask while it is under way and after', async () => {
    let loads = 0;
    const client = loadOnce(async () => ({ number: ++loads }));
    expect(loads).toBe(0);

    const [first, second] = await Promise.all([client(), client()]);
    const third = await client();

    expect(loads).toBe(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
  });

  it('tries again after a failed load, and keeps what the retry loaded', async () => {
    let loads = 0;
    const client = loadOnce(async () => {
      loads++;
      if (loads === 1) throw new Error('chunk missing');
      return `client ${loads}`;
    });

    await expect(client()).rejects.toThrow('chunk missing');
    await expect(client()).resolves.toBe('client 2');
    await expect(client()).resolves.toBe('client 2');
    expect(loads).toBe(2);
  });
});
