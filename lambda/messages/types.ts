// The one shape every locale implements: a missing or misspelt sentence fails to compile.

import type { MailFailure } from '../mail/errors.ts';

export interface MailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** File name of the attached note, when the user dictated one. */
  readonly noteFileName: string;
}

export interface MailContentInput {
  readonly givenName?: string;
  readonly note?: string;
}

export interface Messages {
  readonly locale: string;
  readonly skillName: string;
  launch: string;
  launchReprompt: string;
  help: string;
  helpReprompt: string;
  goodbye: string;
  fallback: string;
  fallbackReprompt: string;
  sent(maskedAddress: string, domain: string, initial: string): string;
  sentCardTitle: string;
  sentCardText(maskedAddress: string): string;
  permissionNeeded: string;
  noEmailOnProfile: string;
  profileUnavailable: string;
  notConfigured: string;
  mailFailed(failure: MailFailure): string;
  somethingWentWrong: string;
  mailContent(input: MailContentInput): MailContent;
}
