// How a turn is printed: the lines `ask dialog` prints (`User  > …`, `Alexa > …`), plus
// `Card  > …` for a card, `Email > to=ADDRESS subject="…"` for each mail, in the order they
// happened (a mail goes out before Alexa answers), or one JSON object per turn.

import type { ui } from 'ask-sdk-model';
import type { CapturedMail } from '../../testkit/aws/ses/standIn.ts';
import type { Turn } from './conversation.ts';

function cardLine(card: ui.Card): string {
  switch (card.type) {
    case 'Simple':
      return `Card  > Simple "${card.title ?? ''}": ${oneLine(card.content ?? '')}`;
    case 'Standard':
      return `Card  > Standard "${card.title ?? ''}": ${oneLine(card.text ?? '')}`;
    case 'AskForPermissionsConsent':
      return `Card  > AskForPermissionsConsent: ${card.permissions.join(', ')}`;
    default:
      return `Card  > ${card.type}`;
  }
}

function emailLine(mail: CapturedMail): string {
  return `Email > to=${mail.destination.to.join(',')} subject=${JSON.stringify(mail.subject)}`;
}

/** A mail as `.mail` prints it: its headers, what is attached, then the text part. */
export function mailLines(mail: CapturedMail): string[] {
  const attachments = mail.attachments.map(
    (attachment) =>
      `Attached: ${attachment.filename ?? '(no name)'} (${attachment.contentType}, ${attachment.size} bytes)`,
  );
  return [
    `From:     ${mail.from}`,
    `To:       ${mail.destination.to.join(', ')}`,
    `Subject:  ${mail.subject}`,
    ...attachments,
    '',
    ...(mail.body.text ?? '(no text part)').trimEnd().split('\n'),
  ];
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' / ').trim();
}

interface TranscriptOptions {
  /** False in a terminal, where the user's line is already on screen after the prompt. */
  readonly echoUser: boolean;
}

function turnLines(turn: Turn, { echoUser }: TranscriptOptions): string[] {
  const lines: string[] = [];
  if (echoUser && turn.user !== null) lines.push(`User  > ${turn.user}`);
  if (turn.note) lines.push(`Note  > ${turn.note}`);
  lines.push(...turn.mails.map(emailLine));
  if (turn.speech !== undefined) lines.push(`Alexa > ${turn.speech}`);
  if (turn.card) lines.push(cardLine(turn.card));
  if (turn.sessionEnded) lines.push('Session ended');
  return lines;
}

/** A line the skill logged, as --logs prints it. */
export function logLine(line: string): string {
  return `Log   > ${line}`;
}

interface TurnOutput extends TranscriptOptions {
  /** Where the conversation goes: standard output. */
  readonly say: (line: string) => void;
  /** Where the skill's own log lines go with --logs: standard error. */
  readonly inform: (line: string) => void;
  /** One JSON object per turn (what the user said, each request envelope and response, the mails) instead of lines. */
  readonly json?: boolean;
  readonly logs?: boolean;
}

/** Prints a turn the one way every command prints it. */
export function printTurn(turn: Turn, output: TurnOutput): void {
  if (output.logs) {
    for (const exchange of turn.exchanges) for (const line of exchange.logs) output.inform(logLine(line));
  }
  for (const line of output.json ? [JSON.stringify(turn)] : turnLines(turn, output)) output.say(line);
}
