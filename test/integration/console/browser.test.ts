// The console as a person uses it, in a real browser: Debian's Chromium driven by playwright-core
// against the console command (bundled once for the run; in a copy of the project, as npm starts it
// through tsx). Every step waits for
// what the person would wait for: the answer announced in the page's live region, a mail's text.
// Without Chromium the file is skipped, except in CI, where .ci/run installs it and absence fails.

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalBrowser, launchChromium } from '../../../devtools/console/browser.ts';
import { PROJECT_ROOT } from '../../../ops/paths.ts';
import { chromiumSkipReason } from '../../helpers/chromium.ts';
import { skillBundleDir } from '../../helpers/localSkill.ts';
import { copyProject, type ProjectCopy, writeJson } from '../../helpers/projectCopy.ts';
import { builtCommand, runBuiltCommand, tsxCommand } from '../../helpers/tsxCommand.ts';

const skipReason = chromiumSkipReason("the console's browser tests");

interface RunningConsole {
  readonly process: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

/**
 * The console: in a copy of the project, started as npm starts it (node --import tsx, from the copy's
 * root); in the project itself, from the bundle made once for the run (test/builtCommands.ts), which
 * knows only this project's root. Ready once it prints its address.
 */
function startConsole(projectCopy?: string): Promise<RunningConsole> {
  const { command, args } = projectCopy
    ? tsxCommand('devtools/console/main.ts')
    : builtCommand('devtools/console/main.ts');
  const child = spawn(command, [...args, '--bundle-dir', skillBundleDir()], {
    cwd: projectCopy ?? PROJECT_ROOT,
    stdio: 'pipe',
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const url = /^Console: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout)?.[1];
      if (url) resolve({ process: child, url, exited });
    });
    void exited.then((code) => reject(new Error(`The console exited (${code}) before it was ready: ${stderr}`)));
  });
}

// One Chromium for the file: each launch costs more CPU than the steps a describe drives through it.
let browser: LocalBrowser;
beforeAll(async () => {
  if (skipReason) return;
  browser = await launchChromium();
  // Every wait ends on what the person would wait for, never on Playwright's 30 s default.
  browser.context.setDefaultTimeout(0);
});
afterAll(async () => {
  await browser?.close();
});

const isLoopback = (url: string) => /^(data|blob|about):/.test(url) || /^https?:\/\/127\.0\.0\.1(:\d+)?\//.test(url);

describe.skipIf(skipReason)('the console in a browser', () => {
  let running: RunningConsole;
  let page: Page;
  let scratch: string;
  const outside: string[] = [];
  const scriptErrors: string[] = [];
  let iconStatus: number | undefined;
  let turns = 0;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'console-browser-'));
    running = await startConsole();
    const { context } = browser;
    context.on('request', (request) => {
      if (!isLoopback(request.url())) outside.push(request.url());
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(running.url).origin });
    page = await context.newPage();
    page.on('pageerror', (error) => scriptErrors.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') scriptErrors.push(`console error: ${message.text()}`);
    });
    // The first load as a person's browser makes it, icon included: Chromium asks for no icon while
    // requests are routed. It ends with the declared icon's answer, or with the error a missing one logs.
    const answered = new Map<string, number>();
    page.on('response', (response) => answered.set(new URL(response.url()).pathname, response.status()));
    // Whichever loses the race ends with the page, unheeded.
    const errorLogged = page
      .waitForEvent('console', { predicate: (message) => message.type() === 'error', timeout: 0 })
      .then(
        () => undefined,
        () => undefined,
      );
    await page.goto(running.url);
    await page.locator('body[data-ready="true"]').waitFor();
    const icon = (await page.evaluate('document.querySelector(\'link[rel="icon"]\')?.href ?? null')) as string | null;
    if (icon !== null) {
      const iconPath = new URL(icon, running.url).pathname;
      const iconAnswered = page
        .waitForResponse((response) => new URL(response.url()).pathname === iconPath, { timeout: 0 })
        .then(
          (response) => response.status(),
          () => undefined,
        );
      iconStatus = answered.get(iconPath) ?? (await Promise.race([iconAnswered, errorLogged]));
    }
    // From now on, anything not on loopback is recorded and never leaves the machine.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (isLoopback(url)) return route.continue();
      outside.push(url);
      return route.abort();
    });
  });

  afterAll(async () => {
    await page?.close();
    if (running && running.process.exitCode === null) running.process.kill('SIGKILL');
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  /** Types a line, presses Enter, and waits for the new turn to be announced. */
  async function sayInPage(text: string): Promise<string> {
    await page.getByLabel('What you say to Alexa').fill(text);
    await page.getByLabel('What you say to Alexa').press('Enter');
    turns++;
    await page.locator(`[data-turn="${turns}"]`).waitFor();
    return (
      (await page
        .getByRole('status')
        .filter({ hasText: /^Alexa: / })
        .textContent()) ?? ''
    );
  }

  it('loads with its icon and not one error in the browser’s console', () => {
    expect(scriptErrors).toEqual([]);
    expect(iconStatus).toBe(200);
  });

  it('starts with the text box focused, labelled, and examples to try', async () => {
    expect(await page.evaluate('document.activeElement?.id')).toBe('utterance');
    expect(await page.locator('#examples').textContent()).toContain('ask mail sender to send me an email');
    // Voice input is offered only once the user turns it on.
    expect(await page.getByRole('button', { name: 'Speak', exact: true }).isVisible()).toBe(false);
  });

  it('answers a typed request, and the mail’s HTML part is in a sandboxed frame', async () => {
    const answer = await sayInPage('ask mail sender to send me an email saying buy milk');
    expect(answer).toBe(
      'Alexa: Done. I sent an email to your address that starts with y, at example.com, with your note: buy milk.',
    );
    // The newest mail opens as it arrives, and stays open when its link in the conversation is followed.
    const mail = page.locator('details.mail').first();
    expect(await mail.getAttribute('open')).toBe('');
    await page.locator('[data-turn="1"]').getByRole('button', { name: 'Your note from Mail Sender' }).click();
    expect(await mail.getAttribute('open')).toBe('');
    expect(await mail.locator('dl.headers').textContent()).toMatch(
      /From\s*"Mail Sender" <mail-sender@example\.com>\s*To\s*you@example\.com\s*Subject\s*Your note from Mail Sender/,
    );
    expect(await mail.getByRole('region', { name: 'Text part' }).textContent()).toContain('Your note:\nbuy milk');
    expect(await mail.getByRole('region', { name: 'Content of note.txt' }).textContent()).toBe('buy milk');
    const frame = mail.locator('iframe.mail-html');
    expect(await frame.getAttribute('sandbox')).toBe('');
    await page
      .frameLocator('details.mail >> nth=0 >> iframe.mail-html')
      .locator('blockquote', { hasText: 'buy milk' })
      .waitFor();
  });

  it('shows the request envelope as JSON, and copies it', async () => {
    const turn = page.locator('[data-turn="1"]');
    await turn.getByText('Requests and responses (1)').click();
    await turn.getByText('Request envelope').click();
    const shown =
      (await turn.getByRole('region', { name: 'request envelope of turn 1, request 1' }).textContent()) ?? '';
    const request = JSON.parse(shown) as {
      request: { type: string; intent: { name: string; slots: Record<string, { value?: string }> } };
    };
    expect(request.request.type).toBe('IntentRequest');
    expect(request.request.intent.name).toBe('SendEmailIntent');
    expect(request.request.intent.slots.note?.value).toBe('buy milk');
    await turn.getByRole('button', { name: 'Copy the request envelope of turn 1, request 1' }).click();
    await turn
      .getByRole('button', { name: 'Copy the request envelope of turn 1, request 1' })
      .filter({ hasText: 'Copied' })
      .waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(shown);
  });

  it('shows the abuse limits, and answers the same mail asked again as just sent, sending nothing', async () => {
    expect(await page.locator('#limits').textContent()).toBe(
      'At most 10 mails a day per Alexa user (a UTC day); the same mail asked again within a minute is sent once. Start the console with --limit N to change the cap.',
    );
    const answer = await sayInPage('ask mail sender to send me an email saying buy milk');
    expect(answer).toBe(
      "Alexa: I sent you that email a moment ago, so I won't send it twice. Check your inbox, and your spam folder. If it hasn't arrived, ask me again in a minute.",
    );
    expect(await page.locator('#mail-count').textContent()).toBe('1');
  });

  it('shows the open session and its attributes, and ends it on "New session"', async () => {
    await sayInPage('open mail sender');
    expect(await page.locator('#session-state').textContent()).toContain('Open.');
    expect(JSON.parse((await page.locator('#attributes').textContent()) ?? '')).toEqual({ offer: 'send-email' });
    await page.getByRole('button', { name: 'New session' }).click();
    turns++;
    await page.locator(`[data-turn="${turns}"]`).getByText('You walked away').waitFor();
    expect(await page.locator('#session-state').textContent()).toBe('No session is open.');
  });

  it('switches to ja-JP and answers in Japanese, aloud in Japanese when asked', async () => {
    await page.getByLabel('Locale').selectOption('ja-JP');
    await page.getByText('Locale ja-JP applied.').waitFor();
    // What the page hands the browser's speech synthesis, recorded instead of played.
    await page.evaluate(`window.spoken = [];
      speechSynthesis.speak = (utterance) => window.spoken.push([utterance.text, utterance.lang]);`);
    await page.getByLabel("Read Alexa's answers aloud").check();
    const answer = await sayInPage('メールセンダーで牛乳を買うというメールを送って');
    expect(await page.evaluate('window.spoken')).toEqual([[answer.replace(/^Alexa: /, ''), 'ja-JP']]);
    await page.getByLabel("Read Alexa's answers aloud").uncheck();
    expect(answer).toBe(
      'Alexa: 送信しました。example.com の、y で始まるあなたのアドレスに、「牛乳を買う」というメモを添えてメールを送りました。',
    );
    expect(await page.locator(`[data-turn="${turns}"]`).getAttribute('lang')).toBe('ja-JP');
    expect(await page.locator('#mail-count').textContent()).toBe('2');
  });

  it('withholds the permission, saves that dialog as a replay file the terminal simulator replays', async () => {
    await page.getByLabel('The user granted the skill the email permission').uncheck();
    await page.getByText('Permission applied.').waitFor();
    expect(await sayInPage('メールセンダーでメールを送って')).toContain('許可が必要です');
    const turn = page.locator(`[data-turn="${turns}"]`);
    expect(await turn.locator('.card.consent').textContent()).toContain('alexa::profile:email:read');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Save as replay file' }).click(),
    ]);
    const file = join(scratch, download.suggestedFilename());
    await download.saveAs(file);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
      locale: 'ja-JP',
      userInput: ['メールセンダーでメールを送って', '.quit'],
      simulate: { emailPermission: false },
    });
    const replayed = await runBuiltCommand('devtools/simulator/main.ts', [
      '--replay',
      file,
      '--bundle-dir',
      skillBundleDir(),
    ]);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain('User  > メールセンダーでメールを送って');
    expect(replayed.stdout).toContain(
      'Card  > AskForPermissionsConsent: alexa::profile:email:read, alexa::profile:given_name:read',
    );
  });

  it('grants the permission from the consent card, and the next request sends the mail', async () => {
    await page.getByRole('button', { name: 'Grant the permission' }).click();
    await page.getByRole('status').filter({ hasText: 'Permission granted. Ask again.' }).waitFor();
    expect(await page.getByLabel('The user granted the skill the email permission').isChecked()).toBe(true);
    expect(await sayInPage('メールセンダーでメールを送って')).toContain('送信しました。');
    expect(await page.locator('#mail-count').textContent()).toBe('3');
    // Sent with SendEmail, whose From carries the name as an encoded word: shown as a mail reader shows it.
    expect(await page.locator('details.mail').first().locator('dl.headers').textContent()).toMatch(
      /^From\s*"メールセンダー" <mail-sender@example\.com>\s*To/,
    );
  });

  it('says in a sentence why a setting was refused, beside the field', async () => {
    const errorsBefore = scriptErrors.length;
    await page.getByLabel("The user's email address").fill('notanemail');
    await page.getByLabel("The user's email address").press('Enter');
    await page.getByRole('alert').filter({ hasText: 'is not an email address' }).waitFor();
    expect(await page.getByLabel("The user's email address").getAttribute('aria-invalid')).toBe('true');
    // The browser reports the refusal (400) in its console; it is the only entry this step adds.
    expect(scriptErrors.splice(errorsBefore)).toEqual([
      'console error: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
  });

  it('wraps a note as long as the text box takes, one unbroken word, instead of widening the page', async () => {
    await page.getByLabel('Locale').selectOption('en-US');
    await page.getByText('Locale en-US applied.').waitFor();
    const note = 'x'.repeat(950);
    const answer = await sayInPage(`ask mail sender to send me an email saying ${note}`);
    expect(answer).toMatch(/^Alexa: Done\./);
    await page.locator(`[data-turn="${turns}"]`).getByText('Requests and responses (1)').click();
    await page.locator(`[data-turn="${turns}"]`).getByText('Request envelope').click();
    const overflowing = await page.evaluate(`[
      ['the page', document.documentElement],
      ['the conversation', document.getElementById('turns')],
      ['the mail panel', document.getElementById('mails')],
    ].filter(([, element]) => element.scrollWidth > element.clientWidth).map(([name]) => name)`);
    expect(overflowing).toEqual([]);
    expect(await page.locator(`[data-turn="${turns}"] .user`).textContent()).toContain(note);
  });

  it('made no request outside loopback and threw no script error', () => {
    expect(outside).toEqual([]);
    expect(scriptErrors).toEqual([]);
  });

  it('stops cleanly on SIGTERM, with exit status 0', async () => {
    running.process.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    await expect(fetch(running.url)).rejects.toThrow();
  });
});

describe.skipIf(skipReason)('the console of a deployed skill, in a browser', () => {
  const deployedSkillId = 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555';
  let project: ProjectCopy;
  let running: RunningConsole;

  beforeAll(async () => {
    // As `ask deploy` leaves a project: the deployed skill's ID in .ask/ask-states.json.
    project = await copyProject();
    await writeJson(join(project.dir, '.ask/ask-states.json'), {
      askcliStatesVersion: '2020-03-31',
      profiles: { default: { skillId: deployedSkillId } },
    });
    running = await startConsole(project.dir);
  });

  afterAll(async () => {
    if (running && running.process.exitCode === null) running.process.kill('SIGKILL');
    await project?.remove();
  });

  it('sends the mail, every request carrying the skill ID the local skill was given', async () => {
    const page = await browser.context.newPage();
    await page.goto(running.url);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByLabel('What you say to Alexa').fill('ask mail sender to send me an email saying buy milk');
    await page.getByLabel('What you say to Alexa').press('Enter');
    await page.locator('[data-turn="1"]').waitFor();
    expect(
      await page
        .getByRole('status')
        .filter({ hasText: /^Alexa: / })
        .textContent(),
    ).toBe(
      'Alexa: Done. I sent an email to your address that starts with y, at example.com, with your note: buy milk.',
    );
    expect(await page.locator('details.mail').first().locator('dl.headers').textContent()).toMatch(
      /Subject\s*Your note from Mail Sender/,
    );
    expect(await page.locator('#mail-count').textContent()).toBe('1');
    const state = (await (await fetch(new URL('/api/state', running.url))).json()) as { skillId: string };
    expect(state.skillId).toBe(deployedSkillId);
  });
});
