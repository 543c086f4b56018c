// The one shape every locale implements: a missing or misspelt sentence fails to compile.

import type { WaitForReset } from '../limits/window.ts';
import type { MailContent } from '../mail/compose.ts';
import type { MailFailure } from '../mail/errors.ts';
import type { SpokenNote } from '../note.ts';
import type { MailContentInput } from './mailTemplate.ts';

export interface Messages {
  readonly locale: string;
  readonly skillName: string;
  readonly launch: string;
  readonly launchReprompt: string;
  readonly help: string;
  readonly helpReprompt: string;
  readonly goodbye: string;
  readonly fallback: string;
  readonly fallbackReprompt: string;
  /**
   * `initial` and `domain` of the account's address: enough to recognise it, not to read it out;
   * `note`, the start of the dictated note (escaped for SSML, like the others), read back so a misheard one is noticed.
   */
  readonly sent: (initial: string, domain: string, note?: SpokenNote) => string;
  readonly sentCardTitle: string;
  readonly sentCardText: (maskedAddress: string) => string;
  readonly permissionNeeded: string;
  readonly noEmailOnProfile: string;
  readonly profileUnavailable: string;
  readonly notConfigured: string;
  readonly mailFailed: (failure: MailFailure) => string;
  /** SES did not answer in a way that proves it refused the mail (a timeout, a reset, a 5xx): it may still arrive. */
  readonly mailMayStillArrive: string;
  /** The user's cap for the UTC day is used up; `wait` is how long until it starts again, rounded up. */
  readonly dailyLimitReached: (cap: number, wait: WaitForReset) => string;
  /** The account-wide cap (MAIL_LIMIT_PER_DAY) is used up for the UTC day. */
  readonly accountLimitReached: (wait: WaitForReset) => string;
  /** The same mail was asked for again within a minute: it was sent once. */
  readonly justSent: string;
  readonly somethingWentWrong: string;
  /** The mail itself: mailTemplate.ts laid out with the locale's words. */
  readonly mailContent: (input: MailContentInput) => MailContent;
}
