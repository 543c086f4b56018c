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

/** Gives back a reservation whose mail was not sent; a store that cannot take it back is only logged. */
async function giveBack(verdict: LimitVerdict, log: Logger): Promise<void> {
  if (verdict.kind !== 'reserved') return;
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
      switch (verdict.kind) {
        case 'daily-limit':
          // The profile's answer no longer matters; it must still never end as an unhandled rejection.
          reading.catch(() => undefined);
          log.info('mail-limit-reached', { user: verdict.userHash, cap: verdict.cap, store: limiter.store });
          return respond
            .speak(messages.dailyLimitReached(verdict.cap, waitForReset(verdict.now, verdict.resetsAt)))
            .withShouldEndSession(true)
            .getResponse();
        case 'just-sent':
          reading.catch(() => undefined);
          log.info('mail-repeat-not-sent', { user: verdict.userHash, store: limiter.store });
          return respond.speak(messages.justSent).withShouldEndSession(true).getResponse();
        case 'unchecked':
          // Fail open: a slow or failing store must not cost the user their mail (docs/limits.md).
          log.warn('limit-unchecked', {
            user: verdict.userHash,
            store: verdict.failure.store,
            reason: verdict.failure.reason,
          });
          break;
        case 'reserved':
          break;
      }

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

      const content = messages.mailContent({ givenName: account.givenName, note });
      const result = await mailer.sendMail({
        to: account.email,
        content,
        ...(note === undefined ? {} : { attachedNote: note }),
      });

      const masked = maskAddress(account.email);
      if (!result.ok) {
        // Not sent, so not counted: the user may ask again at once, and the repeat is not "just sent".
        await giveBack(verdict, log);
        log.error('mail-failed', {
          to: masked,
          api: result.api,
          errorClass: result.failure.kind,
          errorCode: result.failure.code,
          attempts: result.attempts,
        });
        return respond.speak(messages.mailFailed(result.failure)).withShouldEndSession(true).getResponse();
      }
      log.info('mail-sent', {
        to: masked,
        api: result.api,
        messageId: result.messageId,
        attempts: result.attempts,
        withNote: note !== undefined,
        limit: verdict.kind,
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
