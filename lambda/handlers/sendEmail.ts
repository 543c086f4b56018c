// SendEmailIntent, and "yes" to the offer to send one: read the account holder's address
// from the Customer Profile API and mail them. The recipient comes from the profile and
// nowhere else: no slot, session attribute or other part of the request can choose or add one.

import type { RequestHandler } from 'ask-sdk-core';
import { NOTE_SLOT, SEND_EMAIL_INTENT } from '../intents.ts';
import { type Logger, maskAddress } from '../log.ts';
import type { Mailer } from '../mail/ses.ts';
import { escapeMarkup } from '../messages/markup.ts';
import { cleanNote, spokenNote } from '../note.ts';
import { EMAIL_PERMISSION, GIVEN_NAME_PERMISSION, type ProfileReader } from '../profile.ts';
import { isIntent, requestScope, slotValueOf } from '../request.ts';
import { sendEmailWasOffered } from '../sessionState.ts';

/** Given, not built here, so that tests hand the handler the same objects pointed at local servers. */
interface SendEmailOptions {
  readonly logger: Logger;
  readonly profile: ProfileReader;
  /** Absent when the configuration is unusable; `configProblems` says why. */
  readonly mailer?: Mailer | undefined;
  readonly configProblems: readonly string[];
}

export function sendEmailHandler({ logger, profile, mailer, configProblems }: SendEmailOptions): RequestHandler {
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

      // The profile request goes out first; the first mail of a container then loads the SES client
      // while the profile API answers.
      const reading = profile.read(handlerInput);
      mailer.prepare?.();
      const account = await reading;
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
        case 'ok':
          break;
      }

      const note = cleanNote(slotValueOf(handlerInput.requestEnvelope, NOTE_SLOT));
      const content = messages.mailContent({ givenName: account.givenName, note });
      const result = await mailer.sendMail({
        to: account.email,
        content,
        ...(note === undefined ? {} : { attachedNote: note }),
      });

      const masked = maskAddress(account.email);
      if (!result.ok) {
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
      });
      const domain = account.email.slice(account.email.lastIndexOf('@') + 1);
      const readBack = note === undefined ? undefined : spokenNote(note, messages.locale);
      return respond
        .speak(
          messages.sent(
            escapeMarkup(account.email[0] ?? ''),
            escapeMarkup(domain),
            readBack && { text: escapeMarkup(readBack.text), complete: readBack.complete },
          ),
        )
        .withSimpleCard(messages.sentCardTitle, messages.sentCardText(masked))
        .withShouldEndSession(true)
        .getResponse();
    },
  };
}
