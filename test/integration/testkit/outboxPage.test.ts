// The outbox page (what `npm start --keep-open` and the console link to), in Debian's Chromium:
// a mail's HTML is shown, but none of its script runs, and an attachment is saved, never opened as
// the page, so a mail cannot read /store (every address and note) as the page. Without Chromium the
// file is skipped, except in CI.

import { readFile } from 'node:fs/promises';
import { SESClient, SendEmailCommand, SendRawEmailCommand } from '@aws-sdk/client-ses';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBrowser, launchChromium } from '../../../devtools/console/browser.ts';
import { type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import { PLACEHOLDER_KEY } from '../../../testkit/placeholders.ts';
import { chromiumSkipReason } from '../../helpers/chromium.ts';

const skipReason = chromiumSkipReason("the outbox page's browser test");

/** A mail whose HTML tries, as the page, to read the outbox's store, and says so in the page's title. */
const HOSTILE_HTML =
  '<p>Hello from the mail</p>' +
  `<img src="x" onerror="parent.fetch('/store').then((r) => r.text()).then((t) => { parent.document.title = 'READ ' + t.includes('jane.doe@corp.example'); })">`;

/** An attachment that, opened as a document of the outbox's origin, reads the store and says so in its title. */
const HOSTILE_ATTACHMENT =
  '<title>attachment</title><script>fetch(location.origin + "/store").then((r) => r.text())' +
  ".then((t) => { document.title = 'READ ' + t.includes('jane.doe@corp.example'); });</script>";
/** With quotes, which must not end the link's download attribute. */
const ATTACHMENT_NAME = 'note "1".html';

/** Whether `page` saved a file (its name and text), or opened the attachment as a page and what that page then did. */
function savedOrOpened(page: Page): Promise<{ saved: string; text: string } | string> {
  return Promise.race(
    [
      page.waitForEvent('download').then(async (download) => ({
        saved: download.suggestedFilename(),
        text: await readFile(await download.path(), 'utf8'),
      })),
      page
        .waitForEvent('framenavigated', { predicate: (frame) => frame.url().startsWith('blob:') })
        .then(() => page.waitForFunction("document.title.startsWith('READ')"))
        .then(async () => `opened as a page, which read the store: ${await page.title()}`),
      // A wait that fails (the page closed, or navigated under a pending check) settles nothing:
      // only a signal decides, and a regression that gives none ends at the test's timeout.
    ].map((waiting) => waiting.catch(() => new Promise<never>(() => {}))),
  );
}

describe.skipIf(skipReason)('the outbox page', () => {
  let ses: SesStandIn;
  let browser: LocalBrowser;
  let page: Page;

  beforeAll(async () => {
    ses = await startSesStandIn();
    const client = new SESClient({ endpoint: ses.url, region: 'us-east-1', credentials: PLACEHOLDER_KEY });
    await client.send(
      new SendEmailCommand({
        Source: 'mail-sender@example.com',
        Destination: { ToAddresses: ['jane.doe@corp.example'] },
        Message: { Subject: { Data: 'A note' }, Body: { Html: { Data: HOSTILE_HTML } } },
      }),
    );
    const withAttachment = new MailComposer({
      from: 'mail-sender@example.com',
      to: 'jane.doe@corp.example',
      subject: 'An attachment',
      text: 'See the attachment.',
      attachments: [{ filename: ATTACHMENT_NAME, content: HOSTILE_ATTACHMENT, contentType: 'text/html' }],
    });
    await client.send(new SendRawEmailCommand({ RawMessage: { Data: await withAttachment.compile().build() } }));
    // The skill's SendEmail Source for a Japanese display name: an RFC 2047 encoded word.
    await client.send(
      new SendEmailCommand({
        Source: '=?UTF-8?B?44Oh44O844Or44K744Oz44OA44O8?= <mail-sender@example.com>',
        Destination: { ToAddresses: ['jane.doe@corp.example'] },
        Message: { Subject: { Data: 'メールセンダーからのメール' }, Body: { Text: { Data: 'こんにちは' } } },
      }),
    );
    browser = await launchChromium();
    // Every wait ends on its signal, never on Playwright's 30 s default: on a loaded machine that
    // margin ran out before the frame had rendered, and the race below ended as if the page had closed.
    browser.context.setDefaultTimeout(0);
    page = await browser.context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await ses?.close();
  });

  it('shows a mail’s HTML without running its script, which therefore reads nothing', async () => {
    // The frame's refusal is logged as it renders the mail; a handler that ran would change the title.
    const outcome = Promise.race(
      [
        page
          .waitForEvent('console', { predicate: (message) => /Blocked script execution/.test(message.text()) })
          .then(() => 'script blocked'),
        page.waitForFunction("document.title.startsWith('READ')").then(() => 'script ran'),
        // A wait that fails (waitForFunction when the page navigates under it, say) settles
        // nothing: only a signal decides, and a regression that gives none ends at the test's timeout.
      ].map((waiting) => waiting.catch(() => new Promise<never>(() => {}))),
    );
    await page.goto(ses.outboxUrl);
    await page.getByRole('button', { name: 'Toggle HTML view' }).click();
    await expect(page.frameLocator('iframe').getByText('Hello from the mail').textContent()).resolves.toBe(
      'Hello from the mail',
    );
    expect(await outcome).toBe('script blocked');
    expect(await page.title()).toBe('aws-ses-v2-local viewer');
    const response = await page.request.get(ses.outboxUrl);
    expect(response.headers()['content-security-policy']).toContain("connect-src 'self'");
  });

  it('saves an HTML attachment as a file, never opens it as a page of the outbox, which could read /store', async () => {
    await page.goto(ses.outboxUrl);
    const link = page.getByRole('link', { name: ATTACHMENT_NAME });
    expect(await link.getAttribute('download')).toBe(ATTACHMENT_NAME);
    const clicked = savedOrOpened(page);
    await link.click();
    expect(await clicked).toEqual({ saved: expect.stringMatching(/^note .1.\.html$/), text: HOSTILE_ATTACHMENT });
    expect(await page.title()).toBe('aws-ses-v2-local viewer');

    // Opened in a tab of its own ("Open link in new tab"), where no download attribute applies, it is a file too.
    const tab = await browser.context.newPage();
    try {
      const opened = savedOrOpened(tab);
      // Chromium answers a navigation that becomes a download with an error: the download is the answer.
      await tab.goto((await link.getAttribute('href')) ?? '').catch(() => undefined);
      expect(await opened).toEqual({ saved: expect.any(String), text: HOSTILE_ATTACHMENT });
    } finally {
      await tab.close();
    }
  });

  it('shows a Japanese sender’s name as a mail reader does, not as the encoded word SES was sent', async () => {
    await page.goto(ses.outboxUrl);
    const mail = page.locator('.email', { hasText: 'メールセンダーからのメール' });
    expect(await mail.getByText('From:').locator('..').textContent()).toBe(
      'From: "メールセンダー" <mail-sender@example.com>',
    );
  });

  it('empties the outbox with its Clear button, a JSON request from its own page', async () => {
    await page.goto(ses.outboxUrl);
    await page.locator('.email').first().waitFor();
    const [cleared] = await Promise.all([
      page.waitForResponse((response) => new URL(response.url()).pathname === '/clear-store'),
      page.getByRole('button', { name: 'Clear' }).click(),
    ]);
    expect(cleared.status()).toBe(200);
    expect(await ses.mails()).toEqual([]);
  });
});
