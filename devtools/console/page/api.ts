// The simulator's JSON API as the page calls it (devtools/simulator/httpApi.ts): one typed function a route.

import type { Turn } from '../../simulator/conversation.ts';
import type { SimulatedUser } from '../../simulator/simulator.ts';
import type { SteeredConversationState } from '../../simulator/steeredConversation.ts';

export type { Turn } from '../../simulator/conversation.ts';
export type { SteeredConversationState } from '../../simulator/steeredConversation.ts';
export type Mail = Turn['mails'][number];

/** A refusal of the API: its one sentence, and the setting it is about. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly setting?: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as T & { error?: string; setting?: string };
  if (!response.ok) throw new ApiError(answer.error ?? `The console answered ${response.status}.`, answer.setting);
  return answer;
}

export interface Settings {
  readonly locale?: string;
  readonly user?: Partial<SimulatedUser>;
  readonly ses?: string;
}

export const api = {
  state: () => call<SteeredConversationState>('/api/state'),
  turns: () => call<Turn[]>('/api/turns'),
  say: (utterance: string) => call<{ turn: Turn; state: SteeredConversationState }>('/api/say', { utterance }),
  configure: (settings: Settings) =>
    call<{ closing?: Turn; state: SteeredConversationState }>('/api/settings', settings),
  newSession: () => call<{ closing?: Turn; state: SteeredConversationState }>('/api/new-session', {}),
  mailHtmlUrl: (mail: Mail) => `/api/mails/${encodeURIComponent(mail.messageId)}/html`,
};
