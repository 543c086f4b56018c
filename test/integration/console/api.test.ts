// The console's server and the simulator's JSON API it serves, driven over HTTP as the page and
// curl drive them: one Dialog behind them, the same engine as the terminal's.

import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage } from '../../../devtools/console/pageBuild.ts';
import { type ConsoleServer, startConsoleServer } from '../../../devtools/console/server.ts';
import type { Turn } from '../../../devtools/simulator/conversation.ts';
import { type DialogState, startDialog } from '../../../devtools/simulator/dialog.ts';
import { parseReplayFile } from '../../../devtools/simulator/replayFile.ts';
import { DEFAULT_USER, type Simulator, startSimulator } from '../../../devtools/simulator/simulator.ts';
import { PROJECT_ROOT } from '../../../ops/paths.ts';
import { LOCAL_SKILL_ID } from '../../../testkit/envelopes.ts';
import type { CapturedMail } from '../../../testkit/ses/standIn.ts';
import { usePrivateBundle } from '../../helpers/localSkill.ts';

const bundleDir = usePrivateBundle();
let simulator: Simulator;
let server: ConsoleServer;

beforeAll(async () => {
  simulator = await startSimulator({ bundleDir: bundleDir() });
  const dialog = startDialog(simulator, { skillId: LOCAL_SKILL_ID });
  server = await startConsoleServer({ dialog, page: await buildPage(), host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server?.close();
  await simulator?.close();
});

async function call<T>(path: string, body?: unknown): Promise<{ status: number; json: T; headers: Headers }> {
  const response = await fetch(new URL(path, server.url), {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as T, headers: response.headers };
}

const say = async (utterance: string) =>
  (await call<{ turn: Turn; state: DialogState }>('/api/say', { utterance })).json;
const configure = (settings: unknown) =>
  call<{ closing?: Turn; state: DialogState; error?: string; setting?: string }>('/api/settings', settings);

describe('the page', () => {
  it('is served with a policy that lets it load only its own script and style, and talk only to this server', async () => {
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<script type="module" src="/page.js"></script>');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect((await fetch(new URL('/page.js', server.url))).headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('answers nothing to a request addressed to another host name (DNS rebinding)', async () => {
    const { port } = new URL(server.url);
    const answer = await new Promise<number | undefined>((resolve, reject) => {
      import('node:http').then(({ get }) =>
        get(
          { host: '127.0.0.1', port, path: '/api/state', headers: { host: `attacker.example:${port}` } },
          (response) => {
            response.resume();
            resolve(response.statusCode);
          },
        ).on('error', reject),
      );
    });
    expect(answer).toBe(421);
  });
});

describe('the simulator API', () => {
  it('answers an utterance with the turn: Alexa’s words, the envelopes and the mail', async () => {
    const { turn, state } = await say('ask mail sender to send me an email saying buy milk');
    expect(turn.speech).toBe(
      'Done. I sent an email to your address that starts with y, at example.com, with your note: buy milk.',
    );
    expect(turn.exchanges[0]?.request.request).toMatchObject({
      type: 'IntentRequest',
      intent: { name: 'SendEmailIntent' },
    });
    expect(turn.mails.map((mail) => mail.subject)).toEqual(['Your note from Mail Sender']);
    expect(state.session.open).toBe(false);
    expect(state.recorded).toBe(1);
  });

  it('serves each mail’s HTML part under a policy of its own: sandboxed, no scripts, nothing loaded', async () => {
    const { json: mails } = await call<CapturedMail[]>('/api/mails');
    const mail = mails.at(-1);
    const response = await fetch(new URL(`/api/mails/${mail?.messageId}/html`, server.url));
    expect(await response.text()).toContain('buy milk');
    expect(response.headers.get('content-security-policy')).toBe(
      "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    );
    expect((await call('/api/mails/nope/html')).status).toBe(404);
  });

  it('keeps the session and its attributes between utterances, and ends it on "new session"', async () => {
    const { state } = await say('open mail sender');
    expect(state.session).toEqual({ open: true, attributes: { offer: 'send-email' } });
    const { json } = await call<{ closing?: Turn; state: DialogState }>('/api/new-session', {});
    expect(json.closing?.exchanges.map((exchange) => exchange.request.request)).toEqual([
      expect.objectContaining({ type: 'SessionEndedRequest', reason: 'EXCEEDED_MAX_REPROMPTS' }),
    ]);
    expect(json.state.session.open).toBe(false);
  });

  it('switches to Japanese without a restart, ending the open session first', async () => {
    await say('open mail sender');
    const { status, json } = await configure({ locale: 'ja-JP' });
    expect(status).toBe(200);
    expect(json.closing?.exchanges[0]?.request.request.type).toBe('SessionEndedRequest');
    expect(json.state).toMatchObject({ locale: 'ja-JP', skillName: 'メールセンダー', recorded: 0 });
    const { turn } = await say('メールセンダーで牛乳を買うというメールを送って');
    expect(turn.speech).toContain('「牛乳を買う」というメモを添えてメールを送りました。');
    expect(turn.mails[0]?.subject).toBe('メールセンダーからのメモ');
    await configure({ locale: 'en-US' });
  });

  it('sends the consent card while the permission is withheld, and mails once it is granted', async () => {
    await configure({ user: { emailPermission: false } });
    const refused = await say('ask mail sender to send me an email');
    expect(refused.turn.card?.type).toBe('AskForPermissionsConsent');
    expect(refused.turn.mails).toEqual([]);
    await configure({ user: { emailPermission: true } });
    const sent = await say('ask mail sender to send me an email');
    expect(sent.turn.mails).toHaveLength(1);
  });

  it('makes SES fail as asked, and the skill says so', async () => {
    await configure({ ses: 'throttling' });
    // A note of its own: the same mail as a minute ago would be answered "just sent", not sent again.
    const { turn } = await say('ask mail sender to send me an email saying check the oven');
    expect(turn.speech).toBe('Sorry, the mail service is busy right now. Please try again in a minute.');
    await configure({ ses: 'accept' });
  });

  it('refuses a setting with the sentence the command line gives, naming the setting', async () => {
    expect((await configure({ user: { email: 'notanemail' } })).json).toEqual({
      error: '"notanemail" is not an email address, such as you@example.com.',
      setting: 'email',
    });
    expect((await configure({ locale: 'fr-FR' })).json.setting).toBe('locale');
    expect((await configure({ ses: 'explode' })).status).toBe(400);
    expect((await configure({ user: { emailPermission: 'yes' } })).json.setting).toBe('emailPermission');
    const { json: state } = await call<DialogState>('/api/state');
    expect(state.user).toEqual(DEFAULT_USER);
    expect(state.limit).toBe(10);
  });

  it('takes only JSON, so a form on another site cannot drive it', async () => {
    const response = await fetch(new URL('/api/say', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'utterance=ask+mail+sender+to+send+me+an+email',
    });
    expect(response.status).toBe(415);
  });

  it('saves what was said in the current world as a replay file the simulator accepts', async () => {
    await configure({ user: { givenName: 'Sam' } });
    await say('open mail sender');
    await say('yes');
    const { json, headers } = await call<unknown>('/api/replay-file');
    expect(headers.get('content-disposition')).toBe('attachment; filename="dialog-en-US.json"');
    expect(json).toEqual({
      skillId: LOCAL_SKILL_ID,
      locale: 'en-US',
      type: 'text',
      userInput: ['open mail sender', 'yes', '.quit'],
      simulate: { name: 'Sam' },
    });
    expect(parseReplayFile(json, 'dialog-en-US.json').simulate).toEqual({ name: 'Sam' });
  });
});

/** `npm run console ARGS` as typed, with npm in between. */
function npmConsole(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'console', ...args], { cwd: PROJECT_ROOT, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.end();
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.concurrent('npm run console, used wrongly', () => {
  it.each([
    [['--', '--port', 'eighty'], '--port must be a whole number from 1 to 65535, not "eighty".'],
    [['--', '--email', 'notanemail'], '--email: "notanemail" is not an email address, such as you@example.com.'],
    [['--', '--ses', 'explode'], '--ses: explode is not an SES behaviour: use one of'],
    [['--', '--bogus'], 'There is no option --bogus.'],
    [
      ['--port', '8080'],
      'npm took --port for itself: put -- between npm run console and the options, as in npm run console -- --port VALUE.',
    ],
  ])('%j exits 2 with one sentence', async (args, sentence) => {
    const run = await npmConsole(args);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toContain(sentence);
    expect(run.stderr).toContain('Usage: npm run console');
  });

  it('--help lists every option', async () => {
    const run = await npmConsole(['--', '--help']);
    expect(run.code).toBe(0);
    for (const option of [
      '--port',
      '--host',
      '--locale',
      '--email',
      '--name',
      '--no-email-permission',
      '--ses',
      '--open',
    ])
      expect(run.stdout).toContain(option);
  });
});

describe('npm run console -- --open', () => {
  it('opens the printed address with the desktop’s opener, and stops cleanly on SIGTERM', async () => {
    // A stand-in for xdg-open that writes down the address it was given.
    const bin = await mkdtemp(join(tmpdir(), 'console-open-'));
    const opened = join(bin, 'opened.txt');
    try {
      await writeFile(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
      await chmod(join(bin, 'xdg-open'), 0o755);
      // What `npm run console` runs, node itself: a SIGTERM sent to npm stops at npm's shell (sh -c),
      // which dies of it, so only one sent to the console shows how the console stops.
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'devtools/console/main.ts', '--open', '--bundle-dir', bundleDir()],
        { cwd: PROJECT_ROOT, stdio: 'pipe', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } },
      );
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const printedUrl = new Promise<string>((resolve) => {
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
          const url = /^Console: (\S+)$/m.exec(stdout)?.[1];
          if (url) resolve(url);
        });
      });
      child.stdin.end();
      const url = await printedUrl;
      // The opener is a separate process: wait for what it wrote, however long it takes to run.
      let given = '';
      while (!given) {
        given = await readFile(opened, 'utf8').catch(() => '');
        if (!given) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(given).toBe(url);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});
