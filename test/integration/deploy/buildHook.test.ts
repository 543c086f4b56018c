// `ask deploy` offline: ASK CLI's own code builder runs hooks/build.sh on a fresh copy of the
// project, exactly as the deploy command does, and the zip it leaves is unpacked and called
// the way Lambda calls it, in a process that has no SES_* variable: everything it needs
// comes from the provisioning output and the skill ID that the hook embedded.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import AdmZip from 'adm-zip';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import { spokenText } from '../../../testkit/bundle.ts';
import { intentRequest, launchRequest } from '../../../testkit/envelopes.ts';
import { LOOPBACK_ORIGIN } from '../../../testkit/loopback.ts';
import { type ProfileApi, startProfileApi } from '../../../testkit/profileApi.ts';
import {
  type CodeBuild,
  copyProject,
  listFiles,
  notIgnored,
  type ProjectCopy,
  runAskCodeBuilder,
  writeJson,
} from '../../helpers/projectCopy.ts';
import { tsxCommand } from '../../helpers/tsxCommand.ts';

const run = promisify(execFile);

const SKILL_ID = 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555';
const FAKE_KEY_ID = 'FAKE-DEPLOY-KEY-FAKE';
// Random on every run, so finding it anywhere can only mean this run's hook put it there.
const fakeSecret = `fake-${randomBytes(18).toString('hex')}`;
const provisioningOutput = {
  SES_ACCESS_KEY_ID: FAKE_KEY_ID,
  SES_SECRET_ACCESS_KEY: fakeSecret,
  SES_REGION: 'eu-west-1',
  SES_FROM_ADDRESS: 'sender@example.com',
  SES_CONFIGURATION_SET: 'skill-mail',
};

/** The environment of a process that knows nothing of the skill's configuration. */
function bareEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(SES_|SKILL_ID$|ALEXA_API_ENDPOINTS$|AWS_ENDPOINT_URL)/.test(name),
    ),
  );
  return { ...env, ...extra };
}

// Calls the unpacked handler once per envelope in a fresh Node process, as a cold Lambda would.
const INVOKE_SCRIPT = `
const fs = require('node:fs');
const [bundle, envelopesFile, resultsFile] = process.argv.slice(1);
const { handler } = require(bundle);
(async () => {
  const results = [];
  for (const envelope of JSON.parse(fs.readFileSync(envelopesFile, 'utf8'))) results.push(await handler(envelope, {}));
  fs.writeFileSync(resultsFile, JSON.stringify(results));
})().catch((error) => { console.error(error); process.exit(1); });`;

async function invokeUnpacked(
  bundle: string,
  envelopes: RequestEnvelope[],
  env: NodeJS.ProcessEnv,
): Promise<ResponseEnvelope[]> {
  const dir = await mkdtemp(join(tmpdir(), 'alexa-mailer-invoke-'));
  try {
    await writeFile(join(dir, 'envelopes.json'), JSON.stringify(envelopes));
    await run(process.execPath, ['-e', INVOKE_SCRIPT, bundle, join(dir, 'envelopes.json'), join(dir, 'results.json')], {
      env,
      cwd: dir,
    });
    return JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as ResponseEnvelope[];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The hook's own program, as hooks/build.sh starts it but without the tsx CLI's extra process: ASK
 * CLI's run above goes through build.sh itself, these calls are about what the hook does and says.
 */
function runHook(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  const { command, args: prefix } = tsxCommand(join(project.dir, 'ops/deploy/buildHook.ts'));
  return run(command, [...prefix, ...args], options);
}

let project: ProjectCopy;
let build: CodeBuild;
let zipPath: string;
let unpacked: string;
let ses: SesStandIn;
let profile: ProfileApi;

beforeAll(async () => {
  [project, ses, profile] = await Promise.all([
    copyProject(),
    // SES knows the provisioned key: the zip must sign with exactly that secret.
    startSesStandIn({ keys: [{ accessKeyId: FAKE_KEY_ID, secretAccessKey: fakeSecret }] }),
    startProfileApi({ email: 'owner@example.com', givenName: 'Taro' }),
  ]);
  await writeJson(join(project.dir, '.secrets/AlexaSkillMailSender.json'), provisioningOutput);
  // What `ask deploy` has written by the time it builds the code: the skill exists, its ID is recorded.
  await writeJson(join(project.dir, '.ask/ask-states.json'), {
    askcliStatesVersion: '2020-03-31',
    profiles: { default: { skillId: SKILL_ID } },
  });
  build = await runAskCodeBuilder(project.dir, bareEnvironment());
  zipPath = join(project.dir, '.ask/lambda/build.zip');
  unpacked = await mkdtemp(join(tmpdir(), 'alexa-mailer-unzipped-'));
  if (build.code === 0) new AdmZip(zipPath).extractAllTo(unpacked, true);
});

afterAll(async () => {
  await Promise.all([
    project?.remove(),
    rm(unpacked, { recursive: true, force: true }),
    ses?.close(),
    profile?.close(),
  ]);
});

describe('ask deploy, code step, run by ASK CLI’s own code builder', () => {
  it('uses our build hook and leaves the zip where the lambda-deployer reads it', () => {
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(build.codeList).toEqual([
      {
        src: './lambda',
        build: { folder: join(project.dir, '.ask/lambda'), file: zipPath },
        buildFlow: 'CustomBuildFlow',
        regionsList: ['default'],
      },
    ]);
    expect(build.stdout).toContain('[build hook] 3/3 Zipping what Lambda needs');
  });

  it('prints each step without the secret, and with the key ID shortened and the sender masked', () => {
    expect(build.stdout).toContain('SES_ACCESS_KEY_ID FAKE…FAKE (from .secrets/AlexaSkillMailSender.json)');
    expect(build.stdout).toContain('SES_SECRET_ACCESS_KEY (hidden)');
    expect(build.stdout).toContain('SES_FROM_ADDRESS s***@example.com');
    expect(build.stdout).toContain('SES_CONFIGURATION_SET skill-mail');
    expect(build.stdout).toContain(`SKILL_ID ${SKILL_ID} (from .ask/ask-states.json)`);
    expect(build.stdout).not.toContain(fakeSecret);
    expect(build.stdout).not.toContain(FAKE_KEY_ID);
  });

  it('zips only what Lambda needs: the CommonJS bundle, its chunks, the license notices and package.json, world-readable, well under 1 MB', async () => {
    const zip = new AdmZip(zipPath);
    const names = zip.getEntries().map((entry) => entry.entryName);
    expect(names).toEqual(
      expect.arrayContaining(['index.js', 'skill.js', 'chunks/sesSdk.js', 'index.js.LEGAL.txt', 'package.json']),
    );
    // No TypeScript, no node_modules, no tests, no source maps: only what the build wrote.
    for (const name of names)
      expect(name).toMatch(/^(index\.js|skill\.js|index\.js\.LEGAL\.txt|package\.json|chunks\/[\w-]+\.js)$/);
    for (const entry of zip.getEntries()) expect(((entry.attr >>> 16) & 0o777).toString(8)).toBe('644');
    const { size } = await stat(zipPath);
    expect(size).toBeGreaterThan(50 * 1024);
    expect(size).toBeLessThan(1024 * 1024);
    expect(JSON.parse(zip.readAsText('package.json'))).toEqual({ type: 'commonjs' });
    // The zip holds the key: only its owner may read it.
    expect((await stat(zipPath)).mode & 0o777).toBe(0o600);
  });

  it('holds the handler that ask-resources.json names, for the runtime it names', async () => {
    const resources = JSON.parse(await readFile(join(project.dir, 'ask-resources.json'), 'utf8'));
    const { runtime, handler } = resources.profiles.default.skillInfrastructure.userConfig as {
      runtime: string;
      handler: string;
    };
    expect(runtime).toBe('nodejs22.x');
    const [file, exported] = handler.split('.');
    const source = new AdmZip(zipPath).readAsText(`${file}.js`);
    expect(source).toMatch(new RegExp(`module\\.exports=\\{[\\w,]*\\b${exported}\\b[\\w,]*\\}`));
  });

  it('answers a LaunchRequest from the unpacked zip, with no SES_* variable in its environment', async () => {
    const [response] = await invokeUnpacked(
      join(unpacked, 'index.js'),
      [launchRequest({ skillId: SKILL_ID })],
      bareEnvironment({ AWS_ENDPOINT_URL_SES: ses.url }),
    );
    expect(spokenText(response!)).toMatch(/^Welcome to Mail Sender\./);
  });

  it('sends the mail for SendEmailIntent with the embedded key, region, sender and configuration set, to the profile address', async () => {
    await ses.clear();
    const envelope = intentRequest(
      'SendEmailIntent',
      { note: 'buy milk' },
      { skillId: SKILL_ID, apiEndpoint: profile.url },
    );
    const [response] = await invokeUnpacked(
      join(unpacked, 'index.js'),
      [envelope],
      // The local profile API is on loopback, which only ALEXA_API_ENDPOINTS lets the skill call.
      bareEnvironment({ AWS_ENDPOINT_URL_SES: ses.url, ALEXA_API_ENDPOINTS: LOOPBACK_ORIGIN }),
    );
    expect(spokenText(response!)).toContain('Done.');
    const mails = await ses.mails();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.from).toContain('sender@example.com');
    expect(mails[0]!.destination.to).toEqual(['owner@example.com']);
    // Signed, and verified, with the embedded key, for the embedded region.
    expect(ses.requests.map(({ accessKeyId, region, answer }) => ({ accessKeyId, region, answer }))).toEqual([
      { accessKeyId: FAKE_KEY_ID, region: 'eu-west-1', answer: 200 },
    ]);
    expect(ses.requests[0]?.form.ConfigurationSetName).toBe('skill-mail');
  });

  it('refuses a request for another skill: the skill ID from .ask/ask-states.json was embedded', async () => {
    const other = launchRequest({ skillId: 'amzn1.ask.skill.99999999-9999-9999-9999-999999999999' });
    const failure = invokeUnpacked(
      join(unpacked, 'index.js'),
      [other],
      bareEnvironment({ AWS_ENDPOINT_URL_SES: ses.url }),
    );
    await expect(failure).rejects.toThrow(/skill ID/i);
  });

  it('lets the Lambda environment override what was embedded', async () => {
    await ses.clear();
    const envelope = intentRequest('SendEmailIntent', {}, { skillId: SKILL_ID, apiEndpoint: profile.url });
    await invokeUnpacked(
      join(unpacked, 'index.js'),
      [envelope],
      bareEnvironment({
        AWS_ENDPOINT_URL_SES: ses.url,
        ALEXA_API_ENDPOINTS: LOOPBACK_ORIGIN,
        SES_FROM_ADDRESS: 'other-sender@example.com',
      }),
    );
    const mails = await ses.mails();
    expect(mails.map((mail) => mail.from)).toEqual([expect.stringContaining('other-sender@example.com')]);
  });

  it('writes the secret into no file that git would see', async () => {
    const visible = await notIgnored(await listFiles(project.dir));
    expect(visible).toContain('hooks/build.sh');
    expect(visible).not.toContain('.secrets/AlexaSkillMailSender.json');
    const leaking: string[] = [];
    for (const file of visible)
      if ((await readFile(join(project.dir, file), 'utf8')).includes(fakeSecret)) leaking.push(file);
    expect(leaking).toEqual([]);
  });

  it('gives a byte-identical zip for an unchanged project, so ask deploy skips the upload', async () => {
    const again = join(project.dir, '.ask/again.zip');
    await runHook([again, 'false'], {
      cwd: join(project.dir, '.ask/lambda'),
      env: bareEnvironment(),
    });
    // Entry by entry first, so that a failure names the files of the build that came out different.
    const [first, second] = [new AdmZip(zipPath), new AdmZip(again)];
    const names = new Set([...first.getEntries(), ...second.getEntries()].map((entry) => entry.entryName));
    const differing = [...names].filter(
      (name) => !first.readFile(name)?.equals(second.readFile(name) ?? Buffer.alloc(0)),
    );
    expect(differing).toEqual([]);
    expect((await readFile(again)).equals(await readFile(zipPath))).toBe(true);
  });

  it('answers a call without the zip path with its usage and exit code 2', async () => {
    const failure = await runHook([], {
      cwd: project.dir,
      env: bareEnvironment(),
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure.code).toBe(2);
    expect(failure.stderr).toMatch(/^The zip path is missing\.\n\nUsage: hooks\/build\.sh ZIP_PATH \[VERBOSE\]/);
  });

  it('stops with one sentence naming the missing provisioning output and the command to run', async () => {
    const zip = join(project.dir, '.ask/no-credentials.zip');
    const env = bareEnvironment({ ALEXA_MAILER_CREDENTIALS_FILE: join(project.dir, '.secrets/missing.json') });
    const failure = await runHook([zip, 'false'], { cwd: project.dir, env }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure.code).toBe(1);
    expect(failure.stderr.trim()).toBe(
      '[build hook] The Lambda zip was not built: .secrets/missing.json does not exist; run `npm run provision -- --from ADDRESS` first.',
    );
    await expect(stat(zip)).rejects.toThrow();
  });

  it('refuses to build without a skill ID, saying how to get one, and takes SKILL_ID from the environment', async () => {
    const statesFile = join(project.dir, '.ask/ask-states.json');
    const recorded = await readFile(statesFile, 'utf8');
    // Two ASK CLI profiles: which skill this deploy is for would be a guess.
    await writeJson(statesFile, {
      profiles: { default: { skillId: SKILL_ID }, work: { skillId: 'amzn1.ask.skill.w' } },
    });
    const zip = join(project.dir, '.ask/no-skill-id.zip');
    try {
      const failure = await runHook([zip, 'false'], {
        cwd: project.dir,
        env: bareEnvironment(),
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure.code).toBe(1);
      expect(failure.stderr.trim()).toBe(
        "[build hook] The Lambda zip was not built: No skill ID to embed (.ask/ask-states.json has skill IDs for several ASK CLI profiles (default, work)), and a skill without one sends no mail: deploy with `npx ask deploy`, which records the new skill's ID in .ask/ask-states.json before this build runs, or set SKILL_ID=amzn1.ask.skill.… (the ID the Alexa developer console shows under the skill's name) for the build.",
      );
      await expect(stat(zip)).rejects.toThrow();

      const chosen = await runHook([zip, 'false'], {
        cwd: project.dir,
        env: bareEnvironment({ SKILL_ID }),
      });
      expect(chosen.stdout).toContain(`SKILL_ID ${SKILL_ID} (from SKILL_ID in the environment)`);
      expect((await stat(zip)).size).toBeGreaterThan(0);
    } finally {
      await writeFile(statesFile, recorded);
      await rm(zip, { force: true });
    }
  });
});
