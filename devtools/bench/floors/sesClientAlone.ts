// The floor of a first mail: the SES client the skill sends with (the very chunks of the
// project build), loaded on demand and sending one SendEmail, with nothing of ask-sdk-core,
// the profile call or the skill. Answers like the skill does when a mail went out.

import type { ResponseEnvelope } from 'ask-sdk-model';
import { loadConfig } from '../../../lambda/config.ts';
import { en } from '../../../lambda/messages/en.ts';

export async function handler(): Promise<ResponseEnvelope> {
  const sdk = await import('../../../lambda/mail/sesSdk.ts');
  const mail = loadConfig(process.env).mail;
  if (!mail) throw new Error('the skill configuration in the environment is incomplete');
  const client = sdk.createSesClient(mail);
  const content = en.mailContent({});
  const output = await client.send(
    new sdk.SendEmailCommand({
      Source: mail.fromAddress,
      Destination: { ToAddresses: ['bench-user@example.com'] },
      Message: {
        Subject: { Data: content.subject, Charset: 'UTF-8' },
        Body: { Text: { Data: content.text, Charset: 'UTF-8' }, Html: { Data: content.html, Charset: 'UTF-8' } },
      },
    }),
  );
  if (!output.MessageId) throw new Error('SES accepted no mail');
  return { version: '1.0', response: { card: { type: 'Simple', title: en.sentCardTitle, content: '' } } };
}
