// `npm run simulate:cloud`: the real ASK CLI drives a stand-in for SMAPI's skill simulation
// (ASK_SMAPI_SERVER_BASE_URL on loopback), behind which the "deployed skill" is the offline
// simulator's conversation over the built bundle. The cloud run must check the same "expect"
// entries and print the same lines as the offline `npm run dialog -- --replay FILE` (mails
// aside: in the cloud they go to the account's inbox). Without an ASK CLI profile it stops
// with one sentence.

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../../devtools/simulator/simulator.ts';
import { PROJECT_ROOT } from '../../../ops/paths.ts';
import type { BuiltCommand } from '../../builtCommands.ts';
import { type FakeSmapi, startFakeSmapi } from '../../helpers/fakeSmapi.ts';
import { skillBundleDir } from '../../helpers/localSkill.ts';
import { writeJson } from '../../helpers/projectCopy.ts';
import { builtCommand, tsxCommand } from '../../helpers/tsxCommand.ts';

const SKILL_ID = 'amzn1.ask.skill.cccccccc-0000-4000-8000-000000000000';
const ACCESS_TOKEN = 'Atza|fake-access-token-for-the-stand-in';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runCommandLine(
  { command, args: prefix }: { command: string; args: string[] },
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, [...prefix, ...args], { cwd: PROJECT_ROOT, env }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** As npm starts it. */
const runScript = (script: string, args: string[], env: NodeJS.ProcessEnv) =>
  runCommandLine(tsxCommand(join(PROJECT_ROOT, script)), args, env);

/**
 * From the command's bundle, made once for the run: the refusals, and the offline replay the cloud
 * run is compared with (the dialog tests run `npm run dialog` as npm starts it).
 */
const runBuilt = (script: BuiltCommand, args: string[], env: NodeJS.ProcessEnv) =>
  runCommandLine(builtCommand(script), args, env);

/** This machine's environment without anything that would make ask-cli pick another profile or reach the network. */
function isolatedEnvironment(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(ASK_|AWS_)/.test(name)));
  return {
    ...env,
    HOME: home,
    USERPROFILE: home,
    ASK_SHARE_USAGE: 'false',
    ASK_SKIP_NEW_VERSION_REMINDER: 'true',
    ...extra,
  };
}

let dir: string;
let simulator: Simulator;
let smapi: FakeSmapi;
let dialogFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alexa-mailer-cloud-'));
  simulator = await startSimulator({ bundleDir: skillBundleDir(), skillId: SKILL_ID });
  smapi = await startFakeSmapi(simulator);
  // What `ask configure` leaves: a profile with an Amazon sign-in (a token that has not expired).
  await writeJson(join(dir, 'home/.ask/cli_config'), {
    share_usage: false,
    profiles: {
      default: {
        aws_profile: 'default',
        token: {
          access_token: ACCESS_TOKEN,
          refresh_token: 'Atzr|fake-refresh-token',
          token_type: 'bearer',
          expires_in: 3600,
          expires_at: '2999-01-01T00:00:00.000Z',
        },
        vendor_id: 'MFAKEVENDOR',
      },
    },
  });
  dialogFile = join(dir, 'launch-and-note.json');
  await writeJson(dialogFile, {
    skillId: SKILL_ID,
    locale: 'en-US',
    type: 'text',
    userInput: ['open mail sender', 'send me an email saying buy milk'],
    expect: [
      // Deliberately wrong, to compare how both runs report it.
      { speech: 'this is not what the welcome says', sessionEnded: false },
      { speech: '^Done\\.', card: 'Simple', mails: 1, sessionEnded: true },
    ],
  });
});

afterAll(async () => {
  await Promise.all([smapi?.close(), simulator?.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe('npm run simulate:cloud', () => {
  it('without an ASK CLI profile, says in one sentence what to set up, and exits 1', async () => {
    const run = await runBuilt('devtools/cloud/main.ts', [dialogFile], isolatedEnvironment(join(dir, 'empty-home')));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(
      `No ASK CLI profile is set up (there is no ${join(dir, 'empty-home/.ask/cli_config')}): run \`npx ask configure\` to sign in with your Amazon developer account (and link an AWS profile), then \`npx ask deploy\`.`,
    );
  });

  it('refuses a file that sets up a simulated world the deployed skill cannot reproduce', async () => {
    const local = 'test/dialogs/en-US/no-email.json';
    const run = await runBuilt('devtools/cloud/main.ts', [local], isolatedEnvironment(join(dir, 'home')));
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      `${local} sets up a simulated world ("simulate"), which the deployed skill cannot reproduce: replay it offline with \`npm run dialog -- --replay ${local}\`.`,
    );
  });

  it('replays through the ASK CLI, printing the offline lines and reporting unmet expectations in the same words', async () => {
    const env = isolatedEnvironment(join(dir, 'home'), { ASK_SMAPI_SERVER_BASE_URL: smapi.url });
    // One file of this test (with a failing expectation) and one of the project's own, in Japanese.
    const files = [dialogFile, 'test/dialogs/ja-JP/launch.json'];
    const [cloud, offline] = await Promise.all([
      runScript('devtools/cloud/main.ts', [...files, '--skill-id', SKILL_ID], env),
      runBuilt(
        'devtools/simulator/main.ts',
        [...files.flatMap((file) => ['--replay', file]), '--bundle-dir', skillBundleDir()],
        env,
      ),
    ]);
    // The real ASK CLI called SMAPI with the profile's token: one simulation and one result per utterance.
    expect(
      smapi.requests.filter((line) =>
        line.startsWith(`POST /v2/skills/${SKILL_ID}/stages/development/simulations Bearer ${ACCESS_TOKEN}`),
      ),
    ).toHaveLength(4);
    expect(
      smapi.requests.filter(
        (line) =>
          line.startsWith(`GET /v2/skills/${SKILL_ID}/stages/development/simulations/`) && line.endsWith(ACCESS_TOKEN),
      ),
    ).toHaveLength(4);

    expect(cloud.stdout.split('\n')).toEqual(offline.stdout.split('\n').filter((line) => !line.startsWith('Email > ')));
    expect(cloud.stdout).toContain('User  > send me an email saying buy milk\nAlexa > Done.');
    expect(cloud.stdout).toContain('Card  > Simple "Email sent"');
    expect(cloud.stdout).toContain('User  > メールセンダーを開いて\nAlexa > メールセンダーへようこそ。');

    const notMet = (run: Run) => run.stderr.split('\n').filter((line) => line.startsWith('Not met in '));
    expect(notMet(cloud)).toEqual(notMet(offline));
    expect(notMet(cloud)).toEqual([
      `Not met in ${dialogFile}: turn 1 ("open mail sender"): Alexa said "Welcome to Mail Sender. I can email you at the address on your Amazon account. Say, send me an email, or add a note: send me an email saying buy milk.", which does not match /this is not what the welcome says/`,
    ]);
    expect(cloud.stderr).toContain(
      `Simulating on the deployed skill ${SKILL_ID} (development) with the ASK CLI profile "default".`,
    );
    expect(cloud.stderr).toContain(
      "Not checked in the cloud: the mail count of 3 turn(s); the mails go to the account's inbox.",
    );
    expect(cloud.stderr).toContain(`1 expectation(s) were not met, in ${dialogFile}.`);
    expect(cloud.code).toBe(1);
    expect(offline.code).toBe(1);
  });
});
