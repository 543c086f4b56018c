// The client the ask-sdk service clients call the Alexa API through, in place of its DefaultApiClient:
// it sends the user's token only to an allowed origin, reads at most a small answer, and closes the
// socket at the deadline, so neither a foreign endpoint nor a huge or endless answer can hurt.

import type { IncomingHttpHeaders } from 'node:http';
import type { services } from 'ask-sdk-model';
import { type ApiOrigin, isAllowedApiUrl, originOf } from './apiOrigins.ts';

class ApiTimeoutError extends Error {
  override readonly name = 'ApiTimeoutError';
}

/** The request was not sent: its origin is not one the token may go to. */
class ApiEndpointNotAllowedError extends Error {
  override readonly name = 'ApiEndpointNotAllowedError';
  constructor(readonly origin: string) {
    super(`api endpoint not allowed: ${origin}`);
  }
}

class ApiAnswerTooLargeError extends Error {
  override readonly name = 'ApiAnswerTooLargeError';
}

interface BoundedApiClientOptions {
  readonly origins: readonly ApiOrigin[];
  /** From sending the request to the last byte of the answer. */
  readonly timeoutMs: number;
  /** A larger answer is abandoned, unread. */
  readonly maxAnswerBytes: number;
}

function headerObject(headers: services.ApiClientRequest['headers']): Record<string, string[]> {
  const object: Record<string, string[]> = {};
  for (const { key, value } of headers) object[key] = [...(object[key] ?? []), value];
  return object;
}

function headerList(headers: IncomingHttpHeaders): services.ApiClientResponse['headers'] {
  return Object.entries(headers).flatMap(([key, value]) =>
    value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((one) => ({ key, value: one })),
  );
}

/**
 * Loaded on the first call, not at cold start (a LaunchRequest never needs TLS), and past the
 * bundler, which would otherwise make a chunk of each. process.getBuiltinModule is Node 20.16's;
 * before it (an Alexa-hosted skill may run Node 16) only the CommonJS bundle runs, whose require()
 * of a built-in the bundler leaves as it is.
 */
function httpModule(secure: boolean): typeof import('node:https') | typeof import('node:http') {
  if (typeof process.getBuiltinModule === 'function')
    return secure ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
  return secure ? require('node:https') : require('node:http');
}

export class BoundedApiClient implements services.ApiClient {
  constructor(private readonly options: BoundedApiClientOptions) {}

  invoke(request: services.ApiClientRequest): Promise<services.ApiClientResponse> {
    const { origins, timeoutMs, maxAnswerBytes } = this.options;
    if (!isAllowedApiUrl(origins, request.url)) {
      return Promise.reject(new ApiEndpointNotAllowedError(originOf(request.url)));
    }
    const url = new URL(request.url);
    const deadline = AbortSignal.timeout(timeoutMs);
    const { request: send } = httpModule(url.protocol === 'https:');
    return new Promise((resolve, reject) => {
      const outgoing = send(url, { method: request.method, headers: headerObject(request.headers), signal: deadline });
      // One outcome, however many events follow: destroying the request also errors it.
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        reject(deadline.aborted ? new ApiTimeoutError(`no answer within ${timeoutMs} ms`) : error);
        outgoing.destroy();
      };
      outgoing.on('error', fail);
      outgoing.on('response', (answer) => {
        const tooLarge = () => fail(new ApiAnswerTooLargeError(`answer larger than ${maxAnswerBytes} bytes`));
        if (Number(answer.headers['content-length'] ?? 0) > maxAnswerBytes) return tooLarge();
        const chunks: Buffer[] = [];
        let size = 0;
        answer.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxAnswerBytes) return tooLarge();
          chunks.push(chunk);
        });
        answer.on('error', fail);
        answer.on('end', () => {
          if (settled) return;
          settled = true;
          resolve({
            statusCode: answer.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: headerList(answer.headers),
          });
        });
      });
      outgoing.end(request.body);
    });
  }
}
