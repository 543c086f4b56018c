// The ASK CLI build hook (hooks/build.sh and hooks/build.ps1 run this): bundles lambda/ as
// `npm run build` does, embeds the provisioning output and the skill ID, zips what Lambda needs.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ENV } from '../../lambda/config.ts';
import { buildLambda } from '../build/bundle.ts';
import { parseCommandLine, runCommand, UsageError } from '../cli.ts';
import { CREDENTIALS_FILE_VARIABLE, credentialsFileFrom, gatherEmbeddedConfig } from './embeddedConfig.ts';
import { writeLambdaZip } from './lambdaZip.ts';

const USAGE = `Usage: hooks/build.sh ZIP_PATH [VERBOSE]

The ASK CLI build hook: \`ask deploy\` runs it with the path of the zip to write
(.ask/lambda/build.zip) and "true" or "false" for --debug. It bundles lambda/ with
esbuild as \`npm run build\` does, embeds the provisioning output and the skill ID,
and zips what the build wrote (no source maps) into ZIP_PATH.

Reads:
  .secrets/AlexaSkillMailSender.json  the provisioning output (npm run provision);
                                      another file through ${CREDENTIALS_FILE_VARIABLE}=FILE
  .ask/ask-states.json                the skill ID, once \`ask deploy\` has created the skill
                                      (it does so before it runs this hook); or SKILL_ID=ID
  MAIL_LIMIT_PER_USER_PER_DAY=N       the daily cap per user to embed (default 10; 0: none),
  MAIL_LIMIT_PER_DAY=N                a daily cap on all users together (default: none), and
  MAIL_LIMIT_TABLE=NAME               a limit table other than the provisioning output's
It refuses to build without a skill ID: the skill would send no mail.

Options:
  -h, --help  show this help`;

function parse(argv: string[]): { zipPath: string; verbose: boolean } | undefined {
  const parsed = parseCommandLine(USAGE, {}, argv);
  if (!parsed) return undefined;
  const [zipPath, verbose, ...extra] = parsed.positionals;
  if (!zipPath) throw new UsageError('The zip path is missing.');
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);
  if (verbose !== undefined && verbose !== 'true' && verbose !== 'false')
    throw new UsageError(`VERBOSE must be "true" or "false", not "${verbose}".`);
  // ASK CLI passes an absolute path; a relative one is taken from where the hook runs, as a shell would.
  return { zipPath: isAbsolute(zipPath) ? zipPath : resolve(zipPath), verbose: verbose === 'true' };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

runCommand(USAGE, '[build hook] The Lambda zip was not built', async () => {
  const options = parse(process.argv.slice(2));
  if (!options) return 0;

  say('[build hook] 1/3 Reading the provisioning output and the skill ID…');
  const embedded = await gatherEmbeddedConfig({
    credentialsFile: credentialsFileFrom(process.env),
    skillId: process.env[ENV.skillId],
    limits: {
      perUserPerDay: process.env[ENV.mailLimitPerUserPerDay],
      perDay: process.env[ENV.mailLimitPerDay],
      table: process.env[ENV.mailLimitTable],
    },
  });
  for (const line of embedded.summary) say(`[build hook]     ${line}`);

  // The bundle holds the key, so it is built in a private temporary folder, never in dist/.
  const bundleDir = await mkdtemp(join(tmpdir(), 'alexa-mailer-deploy-'));
  try {
    say('[build hook] 2/3 Bundling lambda/ with esbuild…');
    const bundle = await buildLambda(bundleDir, { deployConfig: embedded.values });
    say(`[build hook]     index.js with skill.js ${(bundle.bytes / 1024).toFixed(0)} KB`);
    if (options.verbose) say(`[build hook]     built in ${bundleDir}`);

    say('[build hook] 3/3 Zipping what Lambda needs…');
    const zip = await writeLambdaZip(bundleDir, options.zipPath);
    say(
      `[build hook]     ${zip.path} (${(zip.bytes / 1024).toFixed(0)} KB, ${zip.entries.length} files: index.js, package.json and what they load)`,
    );
    if (options.verbose) for (const entry of zip.entries) say(`[build hook]       ${entry}`);
  } finally {
    await rm(bundleDir, { recursive: true, force: true });
  }
  return 0;
});
