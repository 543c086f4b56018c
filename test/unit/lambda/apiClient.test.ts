// The only client that carries the user's API token: to an allowed origin only, a small answer
// only, and never past its deadline. Against the profile stand-in on loopback.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoundedApiClient } from '../../../lambda/apiClient.ts';
import { parseApiOrigin } from '../../../lambda/apiOrigins.ts';
import { EMAIL_PATH, type ProfileApi, startProfileApi } from '../../../testkit/profileApi.ts';

let profile: ProfileApi;
beforeAll(async () => {
  profile = await startProfileApi({ email: 'taro@example.com' });
});
afterAll(() => profile.close());

const clientFor = (origin: string, options: { timeoutMs?: number; maxAnswerBytes?: number } = {}) => {
  const allowed = parseApiOrigin(origin);
  if (!allowed) throw new Error(`${origin} is not an origin`);
  return new BoundedApiClient({ origins: [allowed], timeoutMs: 5_000, maxAnswerBytes: 1_024, ...options });
};
const emailRequest = (origin: string) => ({
  method: 'GET',
  url: `${origin}${EMAIL_PATH}`,
  headers: [{ key: 'Authorization', value: 'Bearer the-users-token' }],
});

describe('BoundedApiClient', () => {
  it('reads the answer of an allowed origin', async () => {
    const answer = await clientFor(profile.url).invoke(emailRequest(profile.url));
    expect(answer).toMatchObject({ statusCode: 200, body: '"taro@example.com"' });
  });

  it('sends nothing to an origin it was not given', async () => {
    const before = profile.requests.length;
    await expect(clientFor('http://127.0.0.1:1').invoke(emailRequest(profile.url))).rejects.toMatchObject({
      name: 'ApiEndpointNotAllowedError',
    });
    expect(profile.requests.length).toBe(before);
  });

  it('abandons an answer larger than it may read', async () => {
    profile.set({ emailAnswerBytes: 64 * 1024 });
    await expect(clientFor(profile.url).invoke(emailRequest(profile.url))).rejects.toMatchObject({
      name: 'ApiAnswerTooLargeError',
    });
    profile.set({ email: 'taro@example.com' });
  });

  it('gives up at its deadline on an answer that does not come', async () => {
    profile.set({ email: 'taro@example.com', delayMs: 60_000 });
    await expect(clientFor(profile.url, { timeoutMs: 50 }).invoke(emailRequest(profile.url))).rejects.toMatchObject({
      name: 'ApiTimeoutError',
    });
    profile.set({ email: 'taro@example.com' });
  });
});
