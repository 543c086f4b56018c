// Checks a turn against the `expect` entry of a replay file and says, in words, what differs.

import type { Turn } from './conversation.ts';
import type { Expectation } from './replayFile.ts';

/** Every way the turn differs from the expectation; empty when it meets it. */
export function unmetExpectations(turn: Turn, expectation: Expectation): string[] {
  const problems: string[] = [];
  const speech = turn.speech ?? '';
  if (!new RegExp(expectation.speech, 'iu').test(speech)) {
    problems.push(
      speech
        ? `Alexa said "${speech}", which does not match /${expectation.speech}/`
        : `Alexa said nothing, which does not match /${expectation.speech}/`,
    );
  }
  if (expectation.card !== undefined) {
    const sent = turn.card?.type ?? null;
    if (sent !== expectation.card) {
      problems.push(
        `${sent ? `a ${sent} card was sent` : 'no card was sent'}, expected ${expectation.card === null ? 'no card' : `a ${expectation.card} card`}`,
      );
    }
  }
  if (expectation.mails !== undefined && turn.mails.length !== expectation.mails) {
    problems.push(`${turn.mails.length} mail(s) were sent, expected ${expectation.mails}`);
  }
  if (expectation.sessionEnded !== undefined && turn.sessionEnded !== expectation.sessionEnded) {
    problems.push(
      expectation.sessionEnded
        ? 'the session stayed open, expected it to end'
        : 'the session ended, expected it to stay open',
    );
  }
  return problems;
}
