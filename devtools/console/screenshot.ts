// `npm run console -- --screenshot FILE`: the picture of the console in docs/console.md, taken the
// way a person would get there: ask for a mail with a note, open the mail and the request JSON.

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { launchChromium } from './browser.ts';

export async function takeScreenshot(url: string, file: string, progress: (line: string) => void): Promise<void> {
  progress(`Taking a screenshot of ${url} with Chromium…`);
  const browser = await launchChromium({ width: 1360, height: 960 });
  try {
    const page = await browser.context.newPage();
    await page.goto(url);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByLabel('What you say to Alexa').fill('ask mail sender to send me an email saying buy milk');
    await page.getByLabel('What you say to Alexa').press('Enter');
    await page.locator('[data-turn="1"] .alexa').waitFor();
    await page.locator('[data-turn="1"] .exchanges > summary').click();
    await page.locator('[data-turn="1"] .json-block > summary').first().click();
    const mail = page.locator('.mail').first();
    await mail.locator('summary').click();
    await page.frameLocator('.mail-html').locator('body', { hasText: 'buy milk' }).waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await mkdir(dirname(file), { recursive: true });
    // A viewport as tall as the page: a full-page capture leaves the sandboxed frame (another process) blank.
    const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
    await page.setViewportSize({ width: 1360, height });
    await page.screenshot({ path: file });
    progress(`Saved ${file}.`);
  } finally {
    await browser.close();
  }
}
