// The console's command line: its usage text, and the options it takes, each checked with the one
// sentence a mistake gets, as one typed value (main.ts runs it; the tests read it in-process).

import { isIPv6 } from 'node:net';
import { parseCommandLine, UsageError } from '../../ops/cli.ts';
import { splitHost } from '../../testkit/loopback.ts';
import { WORLD_FLAGS, WORLD_FLAGS_USAGE, type WorldSettings, worldFromFlags } from '../simulator/worldSettings.ts';

export const CONSOLE_USAGE = `Usage: npm run console [-- options]

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

function portOf(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65_535)
    throw new UsageError(`--port must be a whole number from 1 to 65535, not "${value}".`);
  return port;
}

export interface ConsoleOptions {
  readonly world: WorldSettings;
  /** 0 for a free port. */
  readonly port: number;
  readonly host: string;
  readonly allowHosts: readonly string[];
  readonly open: boolean;
  readonly screenshot?: string;
}

/** The options `args` give, or undefined once --help has printed the usage; throws a UsageError naming the mistake. */
export function consoleOptions(args: string[]): ConsoleOptions | undefined {
  const parsed = parseCommandLine(
    CONSOLE_USAGE,
    {
      ...WORLD_FLAGS,
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      open: { type: 'boolean', default: false },
      screenshot: { type: 'string' },
    },
    args,
  );
  if (!parsed) return undefined;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument ${positionals[0]}: options start with --.`);
  const world = worldFromFlags(values);
  const port = portOf(values.port);
  const host = values.host ?? '127.0.0.1';
  if (!host.trim()) throw new UsageError('--host needs an address, such as 127.0.0.1.');
  const allowHosts = (values['allow-host'] ?? []).map(allowedHost);
  if (values.screenshot !== undefined && !values.screenshot.trim())
    throw new UsageError('--screenshot needs a file, such as docs/console.png.');
  return {
    world,
    port,
    host,
    allowHosts,
    open: values.open,
    ...(values.screenshot !== undefined ? { screenshot: values.screenshot } : {}),
  };
}
