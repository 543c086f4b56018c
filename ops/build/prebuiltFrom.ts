// SendEmail's From for the sender a deploy build embeds, in every locale, encoded now by the same
// nodemailer MimeNode the skill would load for it (lambda/mail/compose.ts): the deployed skill's
// first mail then compiles no MIME code, and its Source is the same bytes.

import { fromHeaderValue, type PrebuiltFrom } from '../../lambda/mail/compose.ts';
import { headerSafe } from '../../lambda/mail/headers.ts';
import { MimeNode } from '../../lambda/mail/mailComposer.ts';
import { EVERY_LOCALE } from '../../lambda/messages/index.ts';

export function prebuiltFrom(fromAddress: string): PrebuiltFrom {
  const byName: Record<string, string> = {};
  for (const messages of EVERY_LOCALE) {
    const value = fromHeaderValue(messages.mailContent({}).senderName, fromAddress);
    byName[value.name] = MimeNode.encodeHeaderValue('From', value);
  }
  return { address: headerSafe(fromAddress), byName };
}
