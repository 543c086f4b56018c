// Picks the messages for a request's locale. Unknown locales get English, as Alexa
// only sends locales the skill declares, and a fuzzed request must still get an answer.

import { en } from './en.ts';
import { ja } from './ja.ts';
import type { Messages } from './types.ts';

export type { Messages } from './types.ts';

/** Every locale's messages: the build encodes each one's sender name ahead of time (ops/build/prebuiltFrom.ts). */
export const EVERY_LOCALE: readonly Messages[] = [en, ja];

export function messagesFor(locale: string | undefined): Messages {
  return locale?.toLowerCase().startsWith('ja') ? ja : en;
}
