// One turn of the conversation as the page shows it: what the user said, how the interaction model
// heard it, Alexa's words, the card, the mails it sent, and every request and response envelope.

import type { Turn } from './api.ts';
import { h } from './dom.ts';
import { jsonBlock } from './json.ts';

type Card = NonNullable<Turn['card']>;
type Exchange = Turn['exchanges'][number];

export interface TurnActions {
  /** Grants the email permission, for the consent card's button. */
  readonly grantPermission: () => void;
  /** Whether the user has granted it already (the button is then not offered). */
  readonly permissionGranted: () => boolean;
  /** Opens a mail in the mail panel. */
  readonly showMail: (messageId: string) => void;
}

function heard(turn: Turn): string | undefined {
  const resolution = turn.resolution;
  if (!resolution) return undefined;
  switch (resolution.kind) {
    case 'launch':
      return 'LaunchRequest';
    case 'intent':
    case 'name-free': {
      const slots = Object.entries(resolution.slots)
        .filter(([, value]) => value !== undefined)
        .map(([name, value]) => `${name}=${JSON.stringify(value)}`);
      const how = resolution.kind === 'name-free' ? 'name-free ' : resolution.oneShot ? 'one-shot ' : '';
      return `${how}${resolution.intent}${slots.length > 0 ? ` (${slots.join(', ')})` : ''}`;
    }
    case 'exit':
      return 'exit: the session ends';
    case 'not-for-skill':
      return 'not for this skill';
  }
}

function cardView(card: Card, actions: TurnActions): HTMLElement {
  switch (card.type) {
    case 'Simple':
    case 'Standard':
      return h(
        'div',
        { class: 'card' },
        h('p', { class: 'card-title' }, `Card: ${card.title ?? ''}`),
        h('p', {}, (card.type === 'Simple' ? card.content : card.text) ?? ''),
      );
    case 'AskForPermissionsConsent': {
      const granted = actions.permissionGranted();
      return h(
        'div',
        { class: 'card consent' },
        h('p', { class: 'card-title' }, 'Card in the Alexa app: the skill asks for permission'),
        h('p', {}, card.permissions.join(', ')),
        granted
          ? h('p', { class: 'note' }, 'Granted: ask again.')
          : h(
              'button',
              { type: 'button', class: 'grant', onclick: () => actions.grantPermission() },
              'Grant the permission',
            ),
      );
    }
    default:
      return h('div', { class: 'card' }, h('p', { class: 'card-title' }, `Card: ${card.type}`));
  }
}

/** A log line as the skill wrote it: JSON, shown as such; anything else as the text it is. */
function logEntry(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return line;
  }
}

function exchangeTitle(exchange: Exchange): string {
  const request = exchange.request.request as { type: string; intent?: { name: string }; reason?: string };
  const what = request.intent
    ? `${request.type} ${request.intent.name}`
    : request.reason
      ? `${request.type} (${request.reason})`
      : request.type;
  return exchange.response ? what : `${what}: no answer`;
}

function exchangeView(exchange: Exchange, index: number, turnNumber: number): HTMLElement {
  const label = `turn ${turnNumber}, request ${index + 1}`;
  return h(
    'li',
    { class: 'exchange' },
    h('p', { class: 'exchange-title' }, exchangeTitle(exchange)),
    jsonBlock('Request envelope', exchange.request, `request envelope of ${label}`),
    exchange.response
      ? jsonBlock('Response envelope', exchange.response, `response envelope of ${label}`)
      : h('p', { class: 'error' }, `The skill did not answer: ${exchange.error ?? 'no response'}`),
    exchange.logs.length > 0 &&
      jsonBlock(
        `The skill's log lines (${exchange.logs.length})`,
        exchange.logs.map(logEntry),
        `log lines of ${label}`,
      ),
  );
}

export function turnView(turn: Turn, turnNumber: number, locale: string, actions: TurnActions): HTMLLIElement {
  const interpretation = heard(turn);
  return h(
    'li',
    { class: 'turn', 'data-turn': String(turnNumber), lang: locale },
    turn.user === null
      ? h('p', { class: 'user walked-away' }, 'You walked away: the open session timed out.')
      : h('p', { class: 'user' }, h('span', { class: 'who' }, 'You'), ' ', turn.user),
    interpretation && h('p', { class: 'heard', lang: 'en' }, `Heard as ${interpretation}`),
    turn.note && h('p', { class: 'note', lang: 'en' }, turn.note),
    ...turn.mails.map((mail) =>
      h(
        'p',
        { class: 'mail-sent', lang: 'en' },
        'Sent a mail: ',
        h('button', { type: 'button', class: 'link', onclick: () => actions.showMail(mail.messageId) }, mail.subject),
        ` to ${mail.destination.to.join(', ')}`,
      ),
    ),
    turn.speech !== undefined
      ? h('p', { class: 'alexa' }, h('span', { class: 'who' }, 'Alexa'), ' ', turn.speech)
      : turn.exchanges.length > 0 && h('p', { class: 'alexa silent', lang: 'en' }, 'Alexa says nothing.'),
    turn.card && cardView(turn.card, actions),
    turn.sessionEnded && h('p', { class: 'session-ended', lang: 'en' }, 'The session ended.'),
    turn.exchanges.length > 0 &&
      h(
        'details',
        { class: 'exchanges', lang: 'en' },
        h('summary', {}, `Requests and responses (${turn.exchanges.length})`),
        h('ol', {}, ...turn.exchanges.map((exchange, index) => exchangeView(exchange, index, turnNumber))),
      ),
  );
}
