// The outbox page (what `npm start --keep-open` and the console link to), in Debian's Chromium:
// a mail's HTML is shown, but none of its script runs, so a mail cannot read /store (every
// address and note) as the page. Without Chromium the file is skipped, except in CI.

import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBrowser, launchChromium } from '../../../devtools/console/browser.ts';
import { PLACEHOLDER_KEY } from '../../../testkit/placeholders.ts';
import { type SesStandIn, startSesStandIn } from '../../../testkit/ses/standIn.ts';
import { chromiumSkipReason } from '../../helpers/chromium.ts';

const skipReason = chromiumSkipReason("the outbox page's browser test");

/** A mail whose HTML tries, as the page, to read the outbox's store, and says so in the page's title. */
const HOSTILE_HTML =
  '<p>Hello from the mail</p>' +
  `<img src="x" onerror="parent.fetch('/store').then((r) => r.text()).then((t) => { parent.document.title = 'READ ' + t.includes('jane.doe@corp.example'); })">`;

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
    browser = await launchChromium();
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
        // The loser ends with the page, unheeded.
      ].map((waiting) => waiting.catch(() => 'page closed')),
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
});
