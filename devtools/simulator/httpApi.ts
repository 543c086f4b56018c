// The simulator over HTTP and JSON, for the web console and anything else on this machine (curl, a
// script): the routes of docs/console.md, each a thin layer over one steered conversation, so the
// page and the terminal run one engine. Requests are classified here, once; the conversation sees typed settings.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatedUser } from './simulator.ts';
import { type SteeredConversation, type WorldChange, WorldChangeError } from './steeredConversation.ts';

// An utterance is a sentence, a setting a few words: anything larger is not from the page.
const BODY_LIMIT_BYTES = 64 * 1024;
const UTTERANCE_MAX_CHARS = 1_000;

/** A request the API refuses, with the status and the one sentence it answers. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly setting?: string,
  ) {
    super(message);
  }
}

function sendJson(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) {
  response
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers })
    .end(JSON.stringify(value));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  // Only JSON: a form another site posts cannot be, so no page elsewhere can drive the simulator.
  if (!/^application\/json\b/i.test(request.headers['content-type'] ?? ''))
    throw new Refusal(415, 'Send the body as JSON, with Content-Type: application/json.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT_BYTES) throw new Refusal(413, `The body is over ${BODY_LIMIT_BYTES / 1024} KB.`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new Refusal(400, 'The body is not JSON.');
  }
}

function field(body: unknown, key: string): unknown {
  return body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
}

function utteranceOf(body: unknown): string {
  const utterance = field(body, 'utterance');
  if (typeof utterance !== 'string' || !utterance.trim())
    throw new Refusal(400, 'Say something: {"utterance": "open mail sender"}.');
  if (utterance.length > UTTERANCE_MAX_CHARS)
    throw new Refusal(400, `An utterance has at most ${UTTERANCE_MAX_CHARS} characters.`);
  return utterance.trim();
}

/** The settings a body asks for, each of the type it must have; their values are the steered conversation's to check. */
function settingsOf(body: unknown): WorldChange {
  const text = (value: unknown, name: string, nullable: boolean): string | null | undefined => {
    if (value === undefined || typeof value === 'string' || (nullable && value === null)) return value;
    throw new Refusal(400, `${name} must be ${nullable ? 'a string or null' : 'a string'}.`, name);
  };
  const locale = text(field(body, 'locale'), 'locale', false) ?? undefined;
  const ses = text(field(body, 'ses'), 'ses', false) ?? undefined;
  const userBody = field(body, 'user');
  let user: Partial<SimulatedUser> | undefined;
  if (userBody !== undefined) {
    const email = text(field(userBody, 'email'), 'email', true);
    const givenName = text(field(userBody, 'givenName'), 'givenName', true);
    const permission = field(userBody, 'emailPermission');
    if (permission !== undefined && typeof permission !== 'boolean')
      throw new Refusal(400, 'emailPermission must be true or false.', 'emailPermission');
    user = {
      ...(email !== undefined ? { email } : {}),
      ...(givenName !== undefined ? { givenName } : {}),
      ...(permission !== undefined ? { emailPermission: permission } : {}),
    };
  }
  return { ...(locale ? { locale } : {}), ...(ses ? { ses } : {}), ...(user ? { user } : {}) };
}

/**
 * The HTML part of a mail, for the console's sandboxed frame: its own policy forbids scripts, any
 * load but inline styles and data: images, and gives it an opaque origin even when opened on its own.
 */
function sendMailHtml(response: ServerResponse, html: string) {
  response
    .writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    })
    .end(html);
}

type Route = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

const API_PREFIX = '/api/';

/** Answers the requests under /api/; false for any other path, which the caller serves. */
export function steeredConversationApi(
  conversation: SteeredConversation,
): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const withState = (extra: Record<string, unknown>) => ({ ...extra, state: conversation.state() });
  const routes: Record<string, Route> = {
    'GET /api/state': async (_, response) => sendJson(response, 200, conversation.state()),
    'GET /api/turns': async (_, response) => sendJson(response, 200, conversation.turns()),
    'GET /api/mails': async (_, response) => sendJson(response, 200, conversation.mails()),
    'GET /api/replay-file': async (_, response) => {
      const file = conversation.replayFile();
      sendJson(response, 200, file, { 'content-disposition': `attachment; filename="dialog-${file.locale}.json"` });
    },
    'POST /api/say': async (request, response) => {
      const utterance = utteranceOf(await readJson(request));
      sendJson(response, 200, withState({ turn: await conversation.say(utterance) }));
    },
    'POST /api/settings': async (request, response) => {
      const closing = await conversation.configure(settingsOf(await readJson(request)));
      sendJson(response, 200, withState(closing ? { closing } : {}));
    },
    'POST /api/new-session': async (request, response) => {
      await readJson(request);
      const closing = await conversation.newSession();
      sendJson(response, 200, withState(closing ? { closing } : {}));
    },
  };

  return async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith(API_PREFIX)) return false;
    try {
      const mailHtml = /^\/api\/mails\/([^/]+)\/html$/.exec(path);
      if (mailHtml && request.method === 'GET') {
        const id = decodeURIComponent(mailHtml[1] ?? '');
        const mail = conversation.mails().find((candidate) => candidate.messageId === id);
        if (!mail) throw new Refusal(404, `No mail has the ID ${id}.`);
        sendMailHtml(response, mail.body.html ?? '<p>(This mail has no HTML part.)</p>');
        return true;
      }
      const route = routes[`${request.method} ${path}`];
      if (!route) {
        const known = Object.keys(routes).some((key) => key.endsWith(` ${path}`));
        throw known
          ? new Refusal(405, `${request.method} is not a method of ${path}.`)
          : new Refusal(404, `There is no ${path}: see docs/console.md.`);
      }
      await route(request, response);
    } catch (error) {
      if (error instanceof WorldChangeError) sendJson(response, 400, { error: error.message, setting: error.setting });
      else if (error instanceof Refusal)
        sendJson(response, error.status, {
          error: error.message,
          ...(error.setting ? { setting: error.setting } : {}),
        });
      else sendJson(response, 500, { error: `The simulator failed: ${(error as Error).message}` });
    }
    return true;
  };
}
