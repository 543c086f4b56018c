// SendEmailIntent, and "yes" to the offer to send one: read the account holder's address from the
// Customer Profile API and mail them, once the abuse limits (lambda/limits/) allow it. The recipient
// comes from the profile and nowhere else: no slot, session attribute or other part of the request
// can choose or add one.

import type { RequestHandler } from 'ask-sdk-core';
import { firstCharacter, withoutInvisible } from '../characters.ts';
import { NOTE_SLOT, SEND_EMAIL_INTENT } from '../intents.ts';
import type { LimitVerdict, MailLimiter } from '../limits/limiter.ts';
import { waitForReset } from '../limits/window.ts';
import { type Logger, maskAddress } from '../log.ts';
import type { Mailer } from '../mail/ses.ts';
import { escapeMarkup } from '../messages/markup.ts';
import { cleanNote, spokenNote } from '../note.ts';
import { EMAIL_PERMISSION, GIVEN_NAME_PERMISSION, type ProfileReader } from '../profile.ts';
import { isIntent, requestScope, slotValueOf, userIdOf } from '../request.ts';
import { sendEmailWasOffered } from '../sessionState.ts';

/** Given, not built here, so that tests hand the handler the same objects pointed at local servers. */
interface SendEmailOptions {
  readonly logger: Logger;
  readonly profile: ProfileReader;
  readonly limiter: MailLimiter;
  /** Absent when the configuration is unusable; `configProblems` says why. */
  readonly mailer?: Mailer | undefined;
  readonly configProblems: readonly string[];
}

/** Gives back the reservations of a mail that surely was not sent; a store that cannot take them back is only logged. */
async function giveBack(verdict: LimitVerdict, log: Logger): Promise<void> {
  if (verdict.kind !== 'reserved' && verdict.kind !== 'unchecked') return;
  const released = await verdict.release();
  if (!released.ok)
    log.warn('limit-release-failed', {
      user: verdict.userHash,
      store: released.failure.store,
      reason: released.failure.reason,
    });
}

export function sendEmailHandler({
  logger,
  profile,
  limiter,
  mailer,
  configProblems,
}: SendEmailOptions): RequestHandler {
  return {
    canHandle: (handlerInput) =>
      isIntent(handlerInput.requestEnvelope, SEND_EMAIL_INTENT) ||
      (isIntent(handlerInput.requestEnvelope, 'AMAZON.YesIntent') && sendEmailWasOffered(handlerInput)),
    async handle(handlerInput) {
      const { messages, log } = requestScope(handlerInput, logger);
      const respond = handlerInput.responseBuilder;
      const refuse = (refusal: Extract<LimitVerdict, { kind: 'daily-limit' | 'just-sent' }>) => {
        if (refusal.kind === 'just-sent') {
          log.info('mail-repeat-not-sent', { user: refusal.userHash, store: limiter.store });
          return respond.speak(messages.justSent).withShouldEndSession(true).getResponse();
        }
        log.info('mail-limit-reached', {
          user: refusal.userHash,
          counted: refusal.counted,
          cap: refusal.cap,
          store: limiter.store,
        });
        const wait = waitForReset(refusal.now, refusal.resetsAt);
        return respond
          .speak(
            refusal.counted === 'account'
              ? messages.accountLimitReached(wait)
              : messages.dailyLimitReached(refusal.cap, wait),
          )
          .withShouldEndSession(true)
          .getResponse();
      };
      // Fail open: a slow or failing store must not cost the user their mail (docs/limits.md).
      const logUnchecked = (unchecked: Extract<LimitVerdict, { kind: 'unchecked' }>) =>
        log.warn('limit-unchecked', {
          user: unchecked.userHash,
          store: unchecked.failure.store,
          reason: unchecked.failure.reason,
        });

      if (!mailer) {
        log.error('not-configured', { problems: configProblems.join(' ') });
        return respond.speak(messages.notConfigured).withShouldEndSession(true).getResponse();
      }

      const envelope = handlerInput.requestEnvelope;
      const note = cleanNote(slotValueOf(envelope, NOTE_SLOT));
      // The profile request goes out first; the reservation needs only the request, so it runs
      // while the profile API answers, and the first mail of a container loads the SES client then.
      const reading = profile.read(handlerInput);
      const reserving = limiter.reserve({ userId: userIdOf(envelope), note });
      mailer.prepare?.();

      const verdict = await reserving;
      if (verdict.kind === 'daily-limit' || verdict.kind === 'just-sent') {
        // The profile's answer no longer matters; it must still never end as an unhandled rejection.
        reading.catch(() => undefined);
        return refuse(verdict);
      }
      if (verdict.kind === 'unchecked') logUnchecked(verdict);

      const account = await reading;
      if (account.kind !== 'ok') {
        await giveBack(verdict, log);
        switch (account.kind) {
          case 'permission-missing':
            log.info('permission-missing');
            return respond
              .speak(messages.permissionNeeded)
              .withAskForPermissionsConsentCard([EMAIL_PERMISSION, GIVEN_NAME_PERMISSION])
              .withShouldEndSession(true)
              .getResponse();
          case 'no-email':
            log.info('no-email-on-profile');
            return respond.speak(messages.noEmailOnProfile).withShouldEndSession(true).getResponse();
          case 'unavailable':
            log.warn('profile-unavailable', { reason: account.reason });
            return respond.speak(messages.profileUnavailable).withShouldEndSession(true).getResponse();
        }
      }

      // The recipient counts too, so a skill enabled again under a new user ID does not start the day afresh.
      const checked = await verdict.forRecipient(account.email);
      if (checked.kind === 'daily-limit' || checked.kind === 'just-sent') return refuse(checked);
      if (checked.kind === 'unchecked' && verdict.kind === 'reserved') logUnchecked(checked);

      const content = messages.mailContent({ givenName: account.givenName, note });
      const result = await mailer.sendMail({
        to: account.email,
        content,
        ...(note === undefined ? {} : { attachedNote: note }),
      });

      const masked = maskAddress(account.email);
      if (!result.ok) {
        const { failure } = result;
        // Given back only when SES surely did not take the mail: the user may ask again at once. A
        // mail that may have gone stays counted, and a repeat within the minute is "just sent".
        if (!failure.mayHaveBeenSent) await giveBack(checked, log);
        log.error('mail-failed', {
          to: masked,
          api: result.api,
          errorClass: failure.kind,
          errorCode: failure.code,
          attempts: result.attempts,
          mayHaveBeenSent: failure.mayHaveBeenSent,
        });
        return respond
          .speak(failure.mayHaveBeenSent ? messages.mailMayStillArrive : messages.mailFailed(failure))
          .withShouldEndSession(true)
          .getResponse();
      }
      log.info('mail-sent', {
        to: masked,
        api: result.api,
        messageId: result.messageId,
        attempts: result.attempts,
        withNote: note !== undefined,
        limit: checked.kind,
      });
      // Read out as a person sees it: the first character whole (an emoji is two UTF-16 units, and
      // half of one is not even XML), and nothing invisible, such as a bidi override.
      const at = account.email.lastIndexOf('@');
      const readBack = note === undefined ? undefined : spokenNote(note, messages.locale);
      return respond
        .speak(
          messages.sent(
            escapeMarkup(firstCharacter(account.email.slice(0, at))),
            escapeMarkup(withoutInvisible(account.email.slice(at + 1))),
            readBack && { text: escapeMarkup(readBack.text), complete: readBack.complete },
          ),
        )
        .withSimpleCard(messages.sentCardTitle, messages.sentCardText(withoutInvisible(masked)))
        .withShouldEndSession(true)
        .getResponse();
    },
  };
}
