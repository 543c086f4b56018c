// English (en-US): every sentence Alexa speaks or shows, and the words of the mail
// (its layout is mailTemplate.ts's).

import type { WaitForReset } from '../limits/window.ts';
import { mailTemplate } from './mailTemplate.ts';
import type { Messages } from './types.ts';

const skillName = 'Mail Sender';

function waitInEnglish({ unit, count }: WaitForReset): string {
  if (count === 1) return unit === 'hours' ? 'an hour' : 'a minute';
  return `${count} ${unit}`;
}

export const en: Messages = {
  locale: 'en-US',
  skillName,
  launch: `Welcome to ${skillName}. I can email you at the address on your Amazon account. Say, send me an email, or add a note: send me an email saying buy milk.`,
  launchReprompt: 'Would you like me to send you an email?',
  // Help ends with the offer, as launch does, so that "yes" sends and "no" says goodbye.
  help: `${skillName} sends an email to the address on your Amazon account, and only to that address. Say, send me an email. To put a note in it, say, send me an email saying, followed by your note. Would you like me to send you an email now?`,
  helpReprompt: 'Would you like me to send you an email?',
  goodbye: 'Goodbye.',
  fallback: `${skillName} can't help with that. You can say, send me an email.`,
  fallbackReprompt: 'Would you like me to send you an email?',
  // say-as: a lone letter is read as a word otherwise ("y" as "why").
  sent: (initial, domain, note) => {
    const address = `your address that starts with <say-as interpret-as="characters">${initial}</say-as>, at ${domain}`;
    if (!note) return `Done. I sent an email to ${address}.`;
    return `Done. I sent an email to ${address}, with your note${note.complete ? ':' : ' that begins:'} ${note.text}.`;
  },
  sentCardTitle: 'Email sent',
  sentCardText: (masked) => `Sent to ${masked}. Check your inbox, and your spam folder the first time.`,
  permissionNeeded: `To email you, ${skillName} needs permission to read your email address. I sent a card to your Alexa app where you can allow it.`,
  noEmailOnProfile:
    'Your Amazon account has no email address yet. Add one in the Alexa app under your profile, then ask me again.',
  profileUnavailable: "Sorry, I couldn't read your Amazon profile just now. Please try again in a moment.",
  notConfigured: "Sorry, this skill isn't set up to send email yet. Its owner needs to finish the setup.",
  mailFailed: (failure) => {
    switch (failure.kind) {
      case 'recipient-not-verified':
        return "Sorry, I can't email you yet. This skill's mail account is still in the Amazon SES sandbox, and your address hasn't been verified with it.";
      case 'sender-not-verified':
        return "Sorry, this skill's sender address isn't verified with Amazon SES yet. Its owner needs to finish the setup.";
      case 'rejected':
        return 'Sorry, the mail service refused that message.';
      case 'daily-quota':
        return 'Sorry, this skill has sent all the email it may send today. Please try again tomorrow.';
      case 'throttled':
        return 'Sorry, the mail service is busy right now. Please try again in a minute.';
      case 'sending-paused':
        return 'Sorry, sending is paused for this skill’s mail account. Its owner needs to check it.';
      case 'not-authorized':
        return "Sorry, this skill isn't allowed to send email right now. Its owner needs to check its key.";
      case 'role-refused':
        return "Sorry, this skill couldn't get permission to send email. Its owner needs to check the role it uses in their AWS account.";
      case 'unavailable':
        return "Sorry, I couldn't reach the mail service just now. Please try again in a moment.";
      case 'unknown':
        return "Sorry, I couldn't send the email. Please try again later.";
    }
  },
  mailMayStillArrive:
    "Sorry, the mail service didn't answer in time, so I can't tell whether your email went out. It may still arrive: check your inbox in a few minutes before asking again.",
  dailyLimitReached: (cap, wait) =>
    `Sorry, you've reached today's limit of ${cap === 1 ? 'one email' : `${cap} emails`}. You can ask again in ${waitInEnglish(wait)} or less.`,
  accountLimitReached: (wait) =>
    `Sorry, this skill has sent all the email it may send today. You can ask again in ${waitInEnglish(wait)} or less.`,
  justSent:
    "I sent you that email a moment ago, so I won't send it twice. Check your inbox, and your spam folder. If it hasn't arrived, ask me again in a minute.",
  somethingWentWrong: 'Sorry, something went wrong. Please try again.',
  mailContent: mailTemplate({
    senderName: skillName,
    subject: (withNote) => (withNote ? `Your note from ${skillName}` : `A message from ${skillName}`),
    greeting: (givenName) => (givenName ? `Hi ${givenName},` : 'Hi,'),
    intro: 'You asked Alexa to send you an email, so here it is.',
    noteHeading: 'Your note:',
    noteAttached: 'The note is also attached as a text file.',
    footer: `Sent by the ${skillName} Alexa skill, which only ever writes to the address on your own Amazon account.`,
    noteFileName: 'note.txt',
  }),
};
