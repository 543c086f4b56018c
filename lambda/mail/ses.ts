// The mailer: one SES client per container and the two calls the AlexaSkillMailAccess policy
// allows, SendEmail for a plain mail and SendRawEmail for one with the note attached.

import type { MailConfig } from '../config.ts';
import { SES_ATTEMPT_TIMEOUT_MS, SES_MAX_ATTEMPTS, SES_RETRY_DELAY_MS } from '../deadlines.ts';
import { loadOnce } from '../loadOnce.ts';
import { composeRawMessage, encodedFrom, type OutgoingMail, safeHeaders } from './compose.ts';
import { classifySesError, failureBeforeSending, type MailFailure } from './errors.ts';

type SesApi = 'SendEmail' | 'SendRawEmail';

type SendResult =
  | { readonly ok: true; readonly messageId: string; readonly api: SesApi; readonly attempts: number }
  | { readonly ok: false; readonly failure: MailFailure; readonly api: SesApi; readonly attempts: number };

export interface Mailer {
  sendMail(mail: Omit<OutgoingMail, 'from'>): Promise<SendResult>;
  /**
   * Starts loading what sending needs, without waiting for it. On a cold start the handler calls
   * it just after sending the profile request, so the SES client loads while the profile API answers.
   */
  prepare?(): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createSesMailer(config: MailConfig): Mailer {
  // Loaded and built on the first send, then kept for the life of the container: a
  // LaunchRequest never pays for the SES client, and warm sends reuse its keep-alive connection.
  const sesClient = loadOnce(() => import('./sesSdk.ts').then((ses) => ({ ses, client: ses.createSesClient(config) })));
  // The one bound on an attempt, from connecting to the last byte of the answer: a hang before the
  // headers and a stall after them both end here (Smithy's own requestTimeout stops at the headers).
  const attemptDeadline = () => ({ abortSignal: AbortSignal.timeout(SES_ATTEMPT_TIMEOUT_MS) });
  // SES then publishes the mail's bounces and complaints to the set's event destinations.
  const configurationSet = config.configurationSet ? { ConfigurationSetName: config.configurationSet } : {};

  /** Loads the client and builds the request: everything before anything goes to SES, done once for every attempt. */
  const prepareSend = async (mail: OutgoingMail) => {
    const { ses, client } = await sesClient();
    const headers = safeHeaders(mail);
    if (mail.attachedNote !== undefined) {
      const raw = await composeRawMessage(mail);
      // Source is the envelope sender here, a bare address; the display name is in the raw From header.
      const input = {
        Source: headers.from,
        Destinations: [headers.to],
        RawMessage: { Data: raw },
        ...configurationSet,
      };
      return () => client.send(new ses.SendRawEmailCommand(input), attemptDeadline());
    }
    const input = {
      Source: await encodedFrom(mail),
      Destination: { ToAddresses: [headers.to] },
      Message: {
        Subject: { Data: headers.subject, Charset: 'UTF-8' },
        Body: {
          Text: { Data: mail.content.text, Charset: 'UTF-8' },
          Html: { Data: mail.content.html, Charset: 'UTF-8' },
        },
      },
      ...configurationSet,
    };
    return () => client.send(new ses.SendEmailCommand(input), attemptDeadline());
  };

  return {
    prepare() {
      // Loading is synchronous work that holds the event loop: let the request the caller has just
      // sent get its connection under way first (once loaded, this only hands back the kept client).
      // A failure to load is not lost: sendMail awaits the same promise and reports it.
      setImmediate(() => void sesClient());
    },
    async sendMail(request) {
      const mail: OutgoingMail = { ...request, from: config.fromAddress };
      const api: SesApi = mail.attachedNote === undefined ? 'SendEmail' : 'SendRawEmail';
      let send: () => Promise<{ MessageId?: string | undefined }>;
      try {
        send = await prepareSend(mail);
      } catch (error) {
        return { ok: false, failure: failureBeforeSending(error), api, attempts: 0 };
      }
      for (let attempt = 1; ; attempt++) {
        try {
          const output = await send();
          return { ok: true, messageId: output.MessageId ?? '', api, attempts: attempt };
        } catch (error) {
          const failure = classifySesError(error, config.fromAddress);
          if (!failure.safeToRetry || attempt >= SES_MAX_ATTEMPTS)
            return { ok: false, failure, api, attempts: attempt };
          await sleep(SES_RETRY_DELAY_MS);
        }
      }
    },
  };
}
