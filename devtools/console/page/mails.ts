// The mail panel: every mail the skill sent, each opened to its headers, text part, attachments and
// HTML part. The HTML part is shown in a sandboxed frame (no scripts, an opaque origin), loaded only
// when the mail is opened, from the API, which serves it under a policy of its own.

import { api, type Mail } from './api.ts';
import { h } from './dom.ts';

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
}

/** An attachment's text, when it is text (the note), decoded from the outbox's base64. */
function attachmentText(attachment: Mail['attachments'][number]): string | undefined {
  if (!attachment.contentType.startsWith('text/')) return undefined;
  const bytes = Uint8Array.from(atob(attachment.content), (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

function attachmentView(attachment: Mail['attachments'][number]): HTMLElement {
  const text = attachmentText(attachment);
  return h(
    'li',
    {},
    h('p', {}, `${attachment.filename ?? '(no name)'} — ${attachment.contentType}, ${size(attachment.size)}`),
    text !== undefined &&
      h(
        'pre',
        {
          class: 'mail-text',
          role: 'region',
          tabindex: '0',
          'aria-label': `Content of ${attachment.filename ?? 'the attachment'}`,
        },
        text,
      ),
  );
}

function mailView(mail: Mail, index: number): HTMLLIElement {
  const sent = new Date(mail.at * 1000).toLocaleTimeString();
  const frame = h('iframe', {
    class: 'mail-html',
    title: `HTML part of mail ${index + 1}: ${mail.subject}`,
    // Empty: no scripts, no forms, no popups, and an origin of its own.
    sandbox: '',
    referrerpolicy: 'no-referrer',
  });
  const details = h(
    'details',
    { class: 'mail', id: `mail-${mail.messageId}` },
    h(
      'summary',
      {},
      h('span', { class: 'mail-subject' }, mail.subject),
      ` — to ${mail.destination.to.join(', ')}, ${sent}`,
    ),
    h(
      'dl',
      { class: 'headers' },
      h('dt', {}, 'From'),
      h('dd', {}, mail.from),
      h('dt', {}, 'To'),
      h('dd', {}, mail.destination.to.join(', ')),
      h('dt', {}, 'Subject'),
      h('dd', {}, mail.subject),
    ),
    h('h3', {}, 'Text part'),
    h(
      'pre',
      { class: 'mail-text', role: 'region', tabindex: '0', 'aria-label': 'Text part' },
      mail.body.text ?? '(none)',
    ),
    h('h3', {}, `Attachments (${mail.attachments.length})`),
    mail.attachments.length > 0
      ? h('ul', { class: 'attachments' }, ...mail.attachments.map(attachmentView))
      : h('p', {}, 'None.'),
    h('h3', {}, 'HTML part'),
    frame,
  );
  details.addEventListener('toggle', () => {
    if (details.open && !frame.getAttribute('src')) frame.setAttribute('src', api.mailHtmlUrl(mail));
  });
  return h('li', {}, details);
}

/** Adds a mail at the top, newest first as a mail client lists them, and opens it; mails already open stay open. */
export function addMail(list: HTMLOListElement, mail: Mail, index: number): void {
  const view = mailView(mail, index);
  list.prepend(view);
  const details = view.querySelector('details');
  if (details) details.open = true;
}

export function openMail(messageId: string): void {
  const details = document.getElementById(`mail-${messageId}`) as HTMLDetailsElement | null;
  if (!details) return;
  details.open = true;
  details.scrollIntoView({ block: 'nearest' });
  details.querySelector('summary')?.focus();
}
