// A local Alexa Customer Profile API for one simulated user. Point a request's
// context.System.apiEndpoint at it; it answers as the real API does: a JSON string,
// 204 when the field is empty, 403 when the permission is withheld, 401 without a token;
// or, on request, as a hostile one would: late, or endless.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback.ts';

export interface ProfileBehaviour {
  /** The account's email; `null` means the profile has none (204). */
  email?: string | null;
  /** The account's given name; `null` or absent means none (204). */
  givenName?: string | null;
  /** Answer the email request with this status instead (403 for a withheld permission, 429, 500 …). */
  emailStatus?: number;
  /** Withhold the given-name permission (403). */
  givenNamePermission?: boolean;
  /** Answer every request after this many milliseconds. */
  delayMs?: number;
  /** Answer the email request with this raw body and a JSON content type (for malformed answers). */
  rawEmailBody?: string;
  /** Answer the email request with a JSON string this many bytes long, streamed without a length as it is read. */
  emailAnswerBytes?: number;
}

export interface ProfileApi {
  readonly url: string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  /** Requests whose connection the client closed before the whole answer was sent. */
  readonly abandoned: number;
  set(behaviour: ProfileBehaviour): void;
  close(): Promise<void>;
}

export const EMAIL_PATH = '/v2/accounts/~current/settings/Profile.email';
const GIVEN_NAME_PATH = '/v2/accounts/~current/settings/Profile.givenName';

function send(response: ServerResponse, status: number, body?: string): void {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

/** Writes `bytes` bytes of one JSON string, a chunk at a time and only as fast as the client reads. */
function stream(response: ServerResponse, bytes: number): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let left = bytes - 2;
  response.write('"');
  const writeMore = () => {
    while (left > 0 && !response.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!response.write(piece)) return void response.once('drain', writeMore);
    }
    if (!response.destroyed) response.end('"');
  };
  writeMore();
}

function answer(request: IncomingMessage, response: ServerResponse, behaviour: ProfileBehaviour): void {
  if (!request.headers.authorization?.startsWith('Bearer ')) {
    send(response, 401, JSON.stringify({ code: 'ACCESS_DENIED', message: 'Invalid token' }));
    return;
  }
  if (request.url === EMAIL_PATH) {
    if (behaviour.emailStatus) {
      send(
        response,
        behaviour.emailStatus,
        JSON.stringify({ code: 'ERROR', message: `status ${behaviour.emailStatus}` }),
      );
    } else if (behaviour.emailAnswerBytes !== undefined) {
      stream(response, behaviour.emailAnswerBytes);
    } else if (behaviour.rawEmailBody !== undefined) {
      send(response, 200, behaviour.rawEmailBody);
    } else if (behaviour.email) {
      send(response, 200, JSON.stringify(behaviour.email));
    } else {
      send(response, 204);
    }
    return;
  }
  if (request.url === GIVEN_NAME_PATH) {
    if (behaviour.givenNamePermission === false)
      send(response, 403, JSON.stringify({ code: 'ACCESS_DENIED', message: 'Access denied' }));
    else if (behaviour.givenName) send(response, 200, JSON.stringify(behaviour.givenName));
    else send(response, 204);
    return;
  }
  send(response, 404, JSON.stringify({ code: 'NOT_FOUND', message: 'Unknown resource' }));
}

/** `host`: another loopback address (127.0.0.2) plays a host the skill must never call. */
export async function startProfileApi(initial: ProfileBehaviour = {}, host = '127.0.0.1'): Promise<ProfileApi> {
  let behaviour = { ...initial };
  const requests: string[] = [];
  let abandoned = 0;
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    response.on('close', () => {
      if (!response.writableFinished) abandoned++;
    });
    const current = behaviour;
    if (current.delayMs) setTimeout(() => answer(request, response, current), current.delayMs);
    else answer(request, response, current);
  });
  const listener = await listenOnLoopback(server, 0, host);
  return {
    url: listener.url,
    requests,
    get abandoned() {
      return abandoned;
    },
    set(next) {
      behaviour = { ...next };
    },
    close: listener.close,
  };
}
