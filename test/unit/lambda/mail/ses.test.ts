// The mailer against the SES stand-in: what arrives, through which call, and what a failure says
// about the mail (retried only when SES proves it did not take it; "may have been sent" otherwise).

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../lambda/config.ts';
import { createSesMailer, type Mailer } from '../../../../lambda/mail/ses.ts';
import { en } from '../../../../lambda/messages/en.ts';
import { SES_BEHAVIOURS, type SesStandIn, startSesStandIn } from '../../../../testkit/aws/ses/standIn.ts';
import { LOCAL_SKILL_ENVIRONMENT, PLACEHOLDER_FROM_ADDRESS } from '../../../../testkit/placeholders.ts';

let ses: SesStandIn;
let mailer: Mailer;

beforeAll(async () => {
  ses = await startSesStandIn();
  // The SDK reads its endpoint override from the environment, as it does in Lambda.
  process.env.AWS_ENDPOINT_URL_SES = ses.url;
  const { mail } = loadConfig(LOCAL_SKILL_ENVIRONMENT);
  if (!mail) throw new Error('The local placeholders make a usable mail configuration.');
  mailer = createSesMailer(mail);
});
afterAll(() => ses.close());
beforeEach(async () => {
  await ses.clear();
  ses.set(SES_BEHAVIOURS.accept);
});

const plainMail = { to: 'taro@example.com', content: en.mailContent({ givenName: 'Taro' }) };

describe('createSesMailer', () => {
  it('sends a plain mail through SendEmail, from the configured sender, to the one recipient', async () => {
    const result = await mailer.sendMail(plainMail);

    expect(result).toMatchObject({ ok: true, api: 'SendEmail', attempts: 1, messageId: expect.any(String) });
    const [mail, ...others] = await ses.mails();
    expect(others).toEqual([]);
    expect(mail?.from).toBe(`Mail Sender <${PLACEHOLDER_FROM_ADDRESS}>`);
    expect(mail?.destination).toEqual({ to: ['taro@example.com'], cc: [], bcc: [] });
    expect(mail?.subject).toBe('A message from Mail Sender');
  });

  it('sends a mail with a note through SendRawEmail, the note attached', async () => {
    const result = await mailer.sendMail({
      to: 'taro@example.com',
      content: en.mailContent({ note: 'buy milk' }),
      attachedNote: 'buy milk',
    });

    expect(result).toMatchObject({ ok: true, api: 'SendRawEmail' });
    const [mail] = await ses.mails();
    expect(mail?.attachments.map((file) => file.filename)).toEqual(['note.txt']);
  });

  it('tries again once after throttling, which proves SES did not take the mail', async () => {
    ses.set(SES_BEHAVIOURS['throttling-once']);
    expect(await mailer.sendMail(plainMail)).toMatchObject({ ok: true, attempts: 2 });
    expect(await ses.mails()).toHaveLength(1);
  });

  it('never tries again after a 500, and says the mail may have been sent', async () => {
    ses.set(SES_BEHAVIOURS['internal-failure']);
    expect(await mailer.sendMail(plainMail)).toMatchObject({
      ok: false,
      attempts: 1,
      failure: { kind: 'unavailable', safeToRetry: false, mayHaveBeenSent: true },
    });
  });

  it('says a mail SES refused was not sent', async () => {
    ses.set(SES_BEHAVIOURS['recipient-not-verified']);
    expect(await mailer.sendMail(plainMail)).toMatchObject({
      ok: false,
      failure: { kind: 'recipient-not-verified', mayHaveBeenSent: false },
    });
  });
});
