// What handlers are given instead of building clients themselves, so tests hand them
// the same objects pointed at local servers.

import type { Logger } from '../log.ts';
import type { Mailer } from '../mail/ses.ts';
import type { ProfileReader } from '../profile.ts';

export interface SkillDependencies {
  readonly logger: Logger;
  readonly profile: ProfileReader;
  /** Absent when the configuration is unusable; `configProblems` says why. */
  readonly mailer?: Mailer | undefined;
  readonly configProblems: readonly string[];
}

export const SEND_EMAIL_INTENT = 'SendEmailIntent';
export const NOTE_SLOT = 'note';
