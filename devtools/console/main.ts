// `npm run console`: the skill in a browser, offline. Say something, see (and hear) Alexa's answer,
// read the mail the skill sent, and inspect every request and response, as in the developer
// console's Test tab but against the local build, with no account and no network.

import { spawn } from 'node:child_process';
import { isIPv6 } from 'node:net';
import { parseCommandLine, runCommand, UsageError } from '../../ops/cli.ts';
import { SES_BEHAVIOURS } from '../../testkit/aws/ses/standIn.ts';
import { splitHost } from '../../testkit/loopback.ts';
import { DEFAULT_USER, startSimulator } from '../simulator/simulator.ts';
import { startSteeredConversation } from '../simulator/steeredConversation.ts';
import { localSkillId, WORLD_FLAGS, WORLD_FLAGS_USAGE, worldFromFlags } from '../simulator/worldSettings.ts';
import { buildPage } from './pageBuild.ts';
import { type Misdirected, startConsoleServer } from './server.ts';

const USAGE = `Usage: npm run console [-- options]

Serves a page where you talk to the skill as in the Alexa developer console's Test tab: type
(or speak) what you would say, see Alexa's answer and card, read the mail the skill sent, and
open every request and response envelope. It runs the built skill (rebuilt when lambda/
changed) against the same local SES outbox and Customer Profile API as \`npm start\`, so it
needs no AWS or Amazon account and no network. Runs until Ctrl-C.

Options:
  --port N                the port to listen on (default: a free one, printed on start)
  --host HOST             the address to listen on (default: 127.0.0.1; any other makes the
                          console, which has no password, reachable from other machines)
  --allow-host NAME[:PORT]
                          also answer requests addressed to NAME (a name of this machine the
                          console does not know, such as mybox.local), or to NAME:PORT, what a
                          browser sends through a forwarded port (ssh -L 8080:localhost:PORT sends
                          localhost:8080); may be given more than once. It always answers to
                          127.0.0.1, localhost and [::1] and the address it listens on, and off
                          loopback to the machine's host name and addresses; any other is refused (421)
${WORLD_FLAGS_USAGE}
  --open                  open the page in the default browser
  --screenshot FILE       save a PNG of the page after a sample conversation, then exit
                          (needs Chromium: apt-get install chromium, or CHROMIUM_PATH)
  -h, --help              show this help

The locale, the simulated user and SES's behaviour can also be changed on the page, without a
restart. The page's API (GET /api/state, POST /api/say …) is described in docs/console.md.`;

const say = (line: string) => process.stdout.write(`${line}\n`);
const inform = (line: string) => process.stderr.write(`${line}\n`);

/** A name for --allow-host: a host name or address as a browser puts it in the Host header, with or without a port. */
function allowedHost(value: string): string {
  const { name, port } = splitHost(value);
  const known = /^[a-z0-9.-]+$/i.test(name) || isIPv6(name.replace(/^\[(.*)\]$/, '$1'));
  const portNumber = Number(port);
  if (known && (port === '' || (/^\d+$/.test(port) && portNumber >= 1 && portNumber <= 65_535)))
    return port === '' ? name : `${name}:${portNumber}`;
  throw new UsageError(
    `--allow-host takes a host name or address, with a port if a forwarded one leads here, such as mybox.local or localhost:8080, not "${value}".`,
  );
}

/** A refused name, safe to print: printable ASCII. */
const shown = (name: string) => name.replace(/[^\x20-\x7e]/g, '?');

/** The one sentence for a refused request, with the advice that works for it. */
function refusal(refused: Misdirected): string {
  switch (refused.kind) {
    case 'no host':
      return 'Refused a request with no Host header.';
    case 'other name': {
      // On its own port a name is enough, and stays right when the console restarts on another free port.
      const asked = `${shown(refused.name)}${Number(refused.port) === refused.listening ? '' : `:${refused.port}`}`;
      return `Refused a request addressed to ${asked}, not a name of this console (a page elsewhere, or a name it does not know: --allow-host ${asked} adds it).`;
    }
    case 'other port': {
      const asked = `${shown(refused.name)}:${refused.port}`;
      return `Refused a request addressed to ${asked}: the console listens on port ${refused.listening}, so open http://127.0.0.1:${refused.listening}/, or, if a forwarded port leads here, start it with --port ${refused.port} or add --allow-host ${asked}.`;
    }
  }
}

/** How many refused names are told, so that a page hammering the console cannot flood the terminal. */
const MISDIRECTED_TOLD = 5;

function portOf(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65_535)
    throw new UsageError(`--port must be a whole number from 1 to 65535, not "${value}".`);
  return port;
}

/** Opens the page as the desktop would open a link; says so when it cannot. */
function openInBrowser(url: string): void {
  const [command, ...args] =
    process.platform === 'darwin'
      ? ['open', url]
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '""', url]
        : ['xdg-open', url];
  const opener = spawn(command ?? 'xdg-open', args, { stdio: 'ignore', detached: true });
  opener.on('error', (error: NodeJS.ErrnoException) =>
    inform(`Could not open a browser (${command}: ${error.code ?? error.message}); open ${url} yourself.`),
  );
  opener.unref();
}

/**
 * Resolves on the first Ctrl-C or SIGTERM. Listening on, rather than once, keeps a second signal
 * from killing the process while the servers close (under npm a Ctrl-C arrives twice: from the
 * terminal, and relayed by npm).
 */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => resolve(signal));
  });
}

runCommand(USAGE, 'The console stopped', async () => {
  const parsed = parseCommandLine(USAGE, {
    ...WORLD_FLAGS,
    port: { type: 'string' },
    host: { type: 'string' },
    'allow-host': { type: 'string', multiple: true },
    open: { type: 'boolean', default: false },
    screenshot: { type: 'string' },
  });
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument ${positionals[0]}: options start with --.`);
  const world = worldFromFlags(values);
  const port = portOf(values.port);
  const host = values.host ?? '127.0.0.1';
  if (!host.trim()) throw new UsageError('--host needs an address, such as 127.0.0.1.');
  const allowHosts = (values['allow-host'] ?? []).map(allowedHost);
  if (values.screenshot !== undefined && !values.screenshot.trim())
    throw new UsageError('--screenshot needs a file, such as docs/console.png.');

  const started = Date.now();
  const [simulator, page] = await Promise.all([
    startSimulator({
      skillId: await localSkillId(world),
      user: { ...DEFAULT_USER, ...world.user },
      ...(world.ses ? { ses: SES_BEHAVIOURS[world.ses] } : {}),
      ...(world.limit !== undefined ? { limit: world.limit } : {}),
      ...(world.bundleDir ? { bundleDir: world.bundleDir } : {}),
      ...(world.hosted ? { hosted: true } : {}),
      progress: inform,
    }),
    buildPage(),
  ]);
  try {
    const conversation = startSteeredConversation(simulator, {
      ...(world.locale ? { locale: world.locale } : {}),
      ...(world.ses ? { ses: world.ses } : {}),
    });
    const told = new Set<string>();
    const server = await startConsoleServer({
      conversation,
      page,
      host,
      port,
      allowHosts,
      onMisdirected: (refused) => {
        const sentence = refusal(refused);
        if (told.has(sentence) || told.size >= MISDIRECTED_TOLD) return;
        told.add(sentence);
        inform(sentence);
      },
    });
    try {
      if (values.screenshot !== undefined) {
        // Loaded only here: playwright-core is a development tool, not something the console needs.
        const { takeScreenshot } = await import('./screenshot.ts');
        await takeScreenshot(server.url, values.screenshot, inform);
        return 0;
      }
      // Listening before the address is printed: whoever reads it may stop the console at once.
      const stopped = stopSignal();
      inform(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Open this address in a browser; Ctrl-C stops.`);
      if (!server.onLoopback)
        inform(`It listens on ${host}: anyone who can reach this machine there can use it, with no password.`);
      if (!server.onLoopback || allowHosts.length > 0)
        inform(`It answers requests addressed to ${server.hostNames.join(', ')}; --allow-host NAME adds a name.`);
      say(`Console: ${server.url}`);
      if (values.open) openInBrowser(server.url);
      const signal = await stopped;
      inform(`${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping.`);
      return 0;
    } finally {
      await server.close();
    }
  } finally {
    await simulator.close();
  }
});
