// The console's server and the simulator's JSON API it serves, driven over HTTP as the page and
// curl drive them: one SteeredConversation behind them, the same engine as the terminal's.

import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleOptions } from '../../../devtools/console/options.ts';
import { buildPage, type Page } from '../../../devtools/console/pageBuild.ts';
import { type ConsoleServer, type Misdirected, startConsoleServer } from '../../../devtools/console/server.ts';
import type { Turn } from '../../../devtools/simulator/conversation.ts';
import { parseReplayFile } from '../../../devtools/simulator/replayFile.ts';
import { DEFAULT_USER, type Simulator, startSimulator } from '../../../devtools/simulator/simulator.ts';
import {
  type SteeredConversation,
  type SteeredConversationState,
  startSteeredConversation,
} from '../../../devtools/simulator/steeredConversation.ts';
import { UsageError } from '../../../ops/cli.ts';
import { PROJECT_ROOT } from '../../../ops/paths.ts';
import type { CapturedMail } from '../../../testkit/aws/ses/standIn.ts';
import { LOCAL_SKILL_ID } from '../../../testkit/envelopes.ts';
import { skillBundleDir } from '../../helpers/localSkill.ts';
import { builtCommand, runBuiltCommand } from '../../helpers/tsxCommand.ts';

let simulator: Simulator;
let server: ConsoleServer;
/** Built once: every server of the file serves the same page. */
let page: Page;

beforeAll(async () => {
  simulator = await startSimulator({ bundleDir: skillBundleDir() });
  const conversation = startSteeredConversation(simulator);
  page = await buildPage();
  server = await startConsoleServer({ conversation, page, host: '127.0.0.1', port: 0 });
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

/** A request whose Host header names `host`, whatever address it is sent to: what DNS rebinding makes a browser send. */
function addressedTo(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  host: string,
  body?: unknown,
  origin?: string,
): Promise<{ status: number | undefined; body: string }> {
  const { hostname: address, port } = new URL(url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      {
        host: address,
        port,
        path,
        method,
        headers: {
          host,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...(origin === undefined ? {} : { origin }),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () => resolve({ status: response.statusCode, body: text }));
      },
    );
    sent.on('error', reject);
    sent.end(payload);
  });
}

const say = async (utterance: string) =>
  (await call<{ turn: Turn; state: SteeredConversationState }>('/api/say', { utterance })).json;
const configure = (settings: unknown) =>
  call<{ closing?: Turn; state: SteeredConversationState; error?: string; setting?: string }>(
    '/api/settings',
    settings,
  );

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

  it('has an icon, at the address the page declares and at /favicon.ico, so no browser logs a 404', async () => {
    const html = await (await fetch(server.url)).text();
    expect(html).toContain('<link rel="icon" href="/icon.svg" type="image/svg+xml" />');
    for (const path of ['/icon.svg', '/favicon.ico']) {
      const response = await fetch(new URL(path, server.url));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      expect(await response.text()).toMatch(/^<svg /);
    }
  });

  it('answers nothing to a request addressed to another host name (DNS rebinding)', async () => {
    const { port } = new URL(server.url);
    expect((await addressedTo(server.url, 'GET', '/api/state', `attacker.example:${port}`)).status).toBe(421);
    expect((await addressedTo(server.url, 'GET', '/api/state', `localhost:${port}`)).status).toBe(200);
  });

  it('answers a malformed target with a 400, and keeps answering', async () => {
    const host = new URL(server.url).host;
    expect(await addressedTo(server.url, 'GET', '//', host)).toEqual({
      status: 400,
      body: 'Bad request: the target is not a path.\n',
    });
    expect((await addressedTo(server.url, 'GET', '/api/mails/%/html', host)).status).toBe(400);
    expect((await addressedTo(server.url, 'GET', '/api/state', host)).status).toBe(200);
  });

  it('lets the outbox it links to answer only to loopback names: its /store holds every address', async () => {
    const { json: state } = await call<SteeredConversationState>('/api/state');
    const { port } = new URL(state.outboxUrl);
    const refused = await addressedTo(state.outboxUrl, 'GET', '/store', `rebind.attacker.test:${port}`);
    expect(refused.status).toBe(421);
    expect(refused.body).not.toContain('@');
    expect((await addressedTo(state.outboxUrl, 'GET', '/store', `127.0.0.1:${port}`)).status).toBe(200);
  });
});

describe('the console listening on every address (--host 0.0.0.0)', () => {
  let open: ConsoleServer;
  let conversation: SteeredConversation;
  const misdirected: Misdirected[] = [];
  beforeAll(async () => {
    conversation = startSteeredConversation(simulator);
    open = await startConsoleServer({
      conversation,
      page,
      host: '0.0.0.0',
      port: 0,
      allowHosts: ['mybox.test'],
      onMisdirected: (refused) => misdirected.push(refused),
    });
  });
  afterAll(() => open?.close());

  /** Every mail in the outbox the simulator delivers to. */
  const outboxCount = async () =>
    ((await (await fetch(`${simulator.outboxUrl}/store`)).json()) as { emails: unknown[] }).emails.length;

  it('still refuses a name of its own that a page elsewhere points at this machine, and sends nothing', async () => {
    const { port } = new URL(open.url);
    const host = `rebind.attacker.test:${port}`;
    const mailsBefore = await outboxCount();
    const state = await addressedTo(open.url, 'GET', '/api/state', host);
    const said = await addressedTo(open.url, 'POST', '/api/say', host, {
      utterance: 'ask mail sender to send me an email',
    });
    expect([state.status, said.status]).toEqual([421, 421]);
    expect(said.body).toBe(
      'Misdirected request: this console answers only to its own names (--allow-host NAME adds one).\n',
    );
    expect(await outboxCount()).toBe(mailsBefore);
    const refused = { kind: 'other name', name: 'rebind.attacker.test', port, listening: Number(port) };
    expect(misdirected).toEqual([refused, refused]);
  });

  it('answers to the loopback names, the machine’s name and addresses, and a name given with --allow-host', async () => {
    const { port } = new URL(open.url);
    const addresses = Object.values(networkInterfaces())
      .flat()
      .flatMap((address) => (address && address.family === 'IPv4' ? [address.address] : []));
    const names = ['127.0.0.1', 'localhost', hostname(), 'mybox.test', 'MyBox.Test', ...addresses];
    for (const name of names)
      expect([name, (await addressedTo(open.url, 'GET', '/api/state', `${name}:${port}`)).status]).toEqual([name, 200]);
    // The port is part of the name: another port is another server.
    expect((await addressedTo(open.url, 'GET', '/api/state', `localhost:${Number(port) + 1}`)).status).toBe(421);
    expect(open.hostNames).toEqual(expect.arrayContaining(['127.0.0.1', 'localhost', '[::1]', 'mybox.test']));
    // Which is why it warns that anyone who can reach the machine can use it.
    expect(open.onLoopback).toBe(false);
  });
});

describe('the console on another loopback address (--host 127.0.0.2, --host ::1)', () => {
  it.each(['127.0.0.2', '::1'])('answers at the address it prints for --host %s', async (host) => {
    const conversation = startSteeredConversation(simulator);
    const other = await startConsoleServer({ conversation, page, host, port: 0 });
    try {
      const response = await fetch(other.url);
      expect(other.onLoopback).toBe(true);
      expect([other.url, response.status]).toEqual([
        expect.stringContaining(`//${host.includes(':') ? `[${host}]` : host}:`),
        200,
      ]);
    } finally {
      await other.close();
    }
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
    const { json } = await call<{ closing?: Turn; state: SteeredConversationState }>('/api/new-session', {});
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
    const { json: state } = await call<SteeredConversationState>('/api/state');
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

  it('refuses a change asked by a page of another origin, and takes it from its own', async () => {
    const host = new URL(server.url).host;
    const utterance = { utterance: 'open mail sender' };
    const turnsBefore = (await call<Turn[]>('/api/turns')).json.length;
    const refused = await addressedTo(server.url, 'POST', '/api/say', host, utterance, 'http://attacker.example');
    expect(refused).toEqual({
      status: 403,
      body: "Refused a POST from http://attacker.example: only this server's own pages may change it.\n",
    });
    expect((await addressedTo(server.url, 'POST', '/api/say', host, utterance, `http://${host}`)).status).toBe(200);
    expect((await call<Turn[]>('/api/turns')).json.length).toBe(turnsBefore + 1);
    await call('/api/new-session', {});
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

describe('npm run console, used wrongly', () => {
  // Read in-process, as the command reads its arguments; the command's own start is below.
  it.each([
    [['--port', 'eighty'], '--port must be a whole number from 1 to 65535, not "eighty".'],
    [['--email', 'notanemail'], '--email: "notanemail" is not an email address, such as you@example.com.'],
    [['--ses', 'explode'], '--ses: explode is not an SES behaviour: use one of'],
    [['--bogus'], 'There is no option --bogus.'],
    [
      ['--allow-host', 'mybox.test:80800'],
      '--allow-host takes a host name or address, with a port if a forwarded one leads here, such as mybox.local or localhost:8080, not "mybox.test:80800".',
    ],
  ])('%j is refused with one sentence', (args, sentence) => {
    let refusal: unknown;
    try {
      consoleOptions(args);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(UsageError);
    expect((refusal as UsageError).message).toContain(sentence);
  });
});

describe('npm run console, used wrongly, as typed', () => {
  it('exits 2 with one sentence and the usage line when npm took an option for itself', async () => {
    const run = await npmConsole(['--port', '8080']);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toContain(
      'npm took --port for itself: put -- between npm run console and the options, as in npm run console -- --port VALUE.',
    );
    expect(run.stderr).toContain('Usage: npm run console');
  });
});

// The help is about what it prints: from the bundle made once for the run, as the other starts below.
describe('npm run console -- --help', () => {
  it('--help lists every option', async () => {
    const run = await runBuiltCommand('devtools/console/main.ts', ['--help']);
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
      '--allow-host',
    ])
      expect(run.stdout).toContain(option);
  });
});

/**
 * The console command with ARGS, from the bundle made once for the run (test/builtCommands.ts; the
 * browser's tests start it through tsx as npm does); ready once it prints its address.
 */
async function runningConsole(args: string[], env: NodeJS.ProcessEnv = process.env) {
  // Node itself, as `npm run console` runs it: a SIGTERM sent to npm stops at npm's shell (sh -c),
  // which dies of it, so only one sent to the console shows how the console stops.
  const { command, args: script } = builtCommand('devtools/console/main.ts');
  const child = spawn(command, [...script, ...args, '--bundle-dir', skillBundleDir()], {
    cwd: PROJECT_ROOT,
    stdio: 'pipe',
    env,
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let stderr = '';
  const waiting: { text: string | RegExp; found: (printed: string) => void }[] = [];
  const find = (text: string | RegExp) =>
    typeof text === 'string' ? (stderr.includes(text) ? text : undefined) : text.exec(stderr)?.[0];
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const wait of waiting) {
      const printed = find(wait.text);
      if (printed !== undefined) wait.found(printed);
    }
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const address = /^Console: (\S+)$/m.exec(stdout)?.[1];
        if (address) resolve(address);
      });
      void exited.then((code) => reject(new Error(`The console exited (${code}): ${stderr}`)));
    });
    return {
      url,
      port: new URL(url).port,
      stderr: () => stderr,
      /** Resolves with what matched once the console has printed `text`, however long that takes on a busy machine. */
      printed: (text: string | RegExp) =>
        new Promise<string>((found) => {
          const printed = find(text);
          if (printed === undefined) waiting.push({ text, found });
          else found(printed);
        }),
      async stop() {
        child.kill('SIGTERM');
        return exited;
      },
      kill: () => child.exitCode === null && child.kill('SIGKILL'),
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

describe('npm run console -- --host 0.0.0.0 --allow-host mybox.test', () => {
  it('says which names it answers to, refuses any other, and says so on the terminal', async () => {
    const running = await runningConsole(['--host', '0.0.0.0', '--allow-host', 'mybox.test']);
    try {
      const { url, port, printed } = running;
      await printed('; --allow-host NAME adds a name.\n');
      expect(running.stderr()).toContain(
        `It answers requests addressed to 127.0.0.1, localhost, [::1], ${hostname().toLowerCase()}, `,
      );
      expect(running.stderr()).toMatch(/, mybox\.test; --allow-host NAME adds a name\.\n/);

      expect((await addressedTo(url, 'GET', '/api/state', `rebind.attacker.test:${port}`)).status).toBe(421);
      expect((await addressedTo(url, 'GET', '/api/state', `mybox.test:${port}`)).status).toBe(200);
      await printed(
        'Refused a request addressed to rebind.attacker.test, not a name of this console (a page elsewhere, or a name it does not know: --allow-host rebind.attacker.test adds it).\n',
      );
      expect(running.stderr()).not.toContain('Refused a request addressed to mybox.test');
      expect(await running.stop()).toBe(0);
    } finally {
      running.kill();
    }
  });
});

describe('npm run console behind a proxy that passes on a Host without a port (a browser-based editor, nginx)', () => {
  it('advises an --allow-host for it that, once followed, answers', async () => {
    const refusing = await runningConsole([]);
    const advice: string[] = [];
    try {
      for (const host of ['mybox.app.github.dev', 'localhost']) {
        expect((await addressedTo(refusing.url, 'GET', '/api/state', host)).status).toBe(421);
        const escaped = host.replace(/[.]/g, '\\.');
        const line = await refusing.printed(new RegExp(`^Refused a request addressed to ${escaped}:80\\b.*\\n`, 'm'));
        advice.push(/--allow-host (\S+?)\.?\s/.exec(line)?.[1] ?? `no --allow-host in: ${line}`);
      }
      expect(await refusing.stop()).toBe(0);
    } finally {
      refusing.kill();
    }
    expect(advice).toEqual(['mybox.app.github.dev:80', 'localhost:80']);

    // Followed: the console those options give (read as the command reads them; started above as typed).
    const options = consoleOptions(advice.flatMap((name) => ['--allow-host', name]));
    if (!options) throw new Error('The advised options printed the help instead.');
    const following = await startConsoleServer({
      conversation: startSteeredConversation(simulator),
      page,
      host: options.host,
      port: options.port,
      allowHosts: options.allowHosts,
    });
    try {
      for (const host of ['mybox.app.github.dev', 'localhost'])
        expect([host, (await addressedTo(following.url, 'GET', '/api/state', host)).status]).toEqual([host, 200]);
    } finally {
      await following.close();
    }
  });
});

describe('npm run console -- --open, behind a forwarded port (ssh -L 8080:localhost:PORT)', () => {
  // One console for both: --open, and --allow-host localhost:8080 for the forwarded port.
  let bin: string;
  let opened: string;
  let running: Awaited<ReturnType<typeof runningConsole>>;
  beforeAll(async () => {
    // A stand-in for xdg-open that writes down the address it was given.
    bin = await mkdtemp(join(tmpdir(), 'console-open-'));
    opened = join(bin, 'opened.txt');
    await writeFile(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
    await chmod(join(bin, 'xdg-open'), 0o755);
    running = await runningConsole(['--open', '--allow-host', 'localhost:8080'], {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
    });
  });
  afterAll(async () => {
    running?.kill();
    if (bin) await rm(bin, { recursive: true, force: true });
  });

  it('opens the printed address with the desktop’s opener', async () => {
    // The opener is a separate process: wait for what it wrote, however long it takes to run.
    let given = '';
    while (!given) {
      given = await readFile(opened, 'utf8').catch(() => '');
      if (!given) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(given).toBe(running.url);
  });

  it('says a refusal is for the port, answers once --allow-host NAME:PORT names it, and stops cleanly on SIGTERM', async () => {
    const { url, port, printed } = running;
    expect((await addressedTo(url, 'GET', '/api/state', 'localhost:8080')).status).toBe(200);
    const refused = await addressedTo(url, 'GET', '/api/state', '127.0.0.1:8081');
    expect(refused).toEqual({
      status: 421,
      body: `Misdirected request: this console listens on port ${port} (--allow-host NAME:PORT adds a forwarded port).\n`,
    });
    await printed(
      `Refused a request addressed to 127.0.0.1:8081: the console listens on port ${port}, so open http://127.0.0.1:${port}/, or, if a forwarded port leads here, start it with --port 8081 or add --allow-host 127.0.0.1:8081.\n`,
    );
    // A browser leaves port 80 out.
    expect((await addressedTo(url, 'GET', '/api/state', 'localhost')).status).toBe(421);
    await printed('Refused a request addressed to localhost:80: the console listens on port');
    expect(await running.stop()).toBe(0);
  });
});
