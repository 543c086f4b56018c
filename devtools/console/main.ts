// `npm run console`: the skill in a browser, offline. Say something, see (and hear) Alexa's answer,
// read the mail the skill sent, and inspect every request and response, as in the developer
// console's Test tab but against the local build, with no account and no network.

import { spawn } from 'node:child_process';
import { runCommand } from '../../ops/cli.ts';
import { SES_BEHAVIOURS } from '../../testkit/aws/ses/standIn.ts';
import { DEFAULT_USER, startSimulator } from '../simulator/simulator.ts';
import { startSteeredConversation } from '../simulator/steeredConversation.ts';
import { localSkillId } from '../simulator/worldSettings.ts';
import { CONSOLE_USAGE, consoleOptions } from './options.ts';
import { buildPage } from './pageBuild.ts';
import { type Misdirected, startConsoleServer } from './server.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const inform = (line: string) => process.stderr.write(`${line}\n`);

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

runCommand(CONSOLE_USAGE, 'The console stopped', async () => {
  const options = consoleOptions(process.argv.slice(2));
  if (!options) return 0;
  const { world, port, host, allowHosts } = options;
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
      if (options.screenshot !== undefined) {
        // Loaded only here: playwright-core is a development tool, not something the console needs.
        const { takeScreenshot } = await import('./screenshot.ts');
        await takeScreenshot(server.url, options.screenshot, inform);
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
      if (options.open) openInBrowser(server.url);
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
