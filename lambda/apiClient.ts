// The ask-sdk DefaultApiClient with a deadline. The Customer Profile API has no
// timeout of its own in the SDK, and a hung call would outlive Alexa's patience.

import { DefaultApiClient } from 'ask-sdk-core';
import type { services } from 'ask-sdk-model';

class ApiTimeoutError extends Error {
  override readonly name = 'ApiTimeoutError';
}

export class DeadlineApiClient implements services.ApiClient {
  constructor(
    private readonly timeoutMs: number,
    private readonly inner: services.ApiClient = new DefaultApiClient(),
  ) {}

  invoke(request: services.ApiClientRequest): Promise<services.ApiClientResponse> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ApiTimeoutError(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([this.inner.invoke(request), deadline]).finally(() => clearTimeout(timer));
  }
}
