// The dialog files against the deployed skill, through the real ASK CLI and Amazon's skill
// simulation. Skipped unless ALEXA_MAILER_LIVE_SKILL=1, an ASK CLI profile exists and
// `ask deploy` has recorded a skill ID; the skip message says how to run it. Only the files
// without a "simulate" key can run in the cloud; the one-shot and note files send a real mail
// to the developer account's own address.

import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findAskProfile } from '../../devtools/cloud/askProfile.ts';
import { readReplayFile } from '../../devtools/simulator/replayFile.ts';
import { ASK_STATES_FILE, readSkillId } from '../../ops/askStates.ts';
import { PROJECT_ROOT } from '../../ops/paths.ts';
import { tsxCommand } from '../helpers/tsxCommand.ts';

const HOW_TO_RUN =
  'npx ask configure && npm run provision -- --from ADDRESS && npx ask deploy, then ALEXA_MAILER_LIVE_SKILL=1 npx vitest run test/live/skill.test.ts';
const DIALOGS = join(PROJECT_ROOT, 'test/dialogs');

// The same lookups simulate:cloud makes, so the suite runs exactly when it could.
const switchedOn = process.env.ALEXA_MAILER_LIVE_SKILL === '1';
const profile = await findAskProfile(undefined);
const skill = 'name' in profile ? await readSkillId(ASK_STATES_FILE, profile.name) : undefined;
const runnable = switchedOn && skill?.skillId !== undefined;
if (!runnable) {
  const missing = !switchedOn
    ? 'ALEXA_MAILER_LIVE_SKILL=1 is not set'
    : 'problem' in profile
      ? profile.problem
      : skill && 'reason' in skill
        ? skill.reason
        : 'no skill ID';
  console.info(`Live skill suite skipped (${missing}). To run it against your deployed skill:\n  ${HOW_TO_RUN}`);
}

/** Dialog files that describe nothing local, so the live skill can answer them as written. */
function cloudDialogs(): string[] {
  return readdirSync(DIALOGS, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .filter((name) => readReplayFile(join(DIALOGS, name)).simulate === undefined)
    .sort();
}

describe.skipIf(!runnable)(`the deployed skill (run with: ${HOW_TO_RUN})`, () => {
  it.each(cloudDialogs())(
    '%s meets its expectations in the cloud',
    async (file) => {
      const run = await new Promise<{ code: number; output: string }>((resolve) => {
        const { command, args } = tsxCommand(join(PROJECT_ROOT, 'devtools/cloud/main.ts'));
        execFile(command, [...args, join(DIALOGS, file)], { cwd: PROJECT_ROOT }, (error, stdout, stderr) => {
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
        });
      });
      expect(run.output).toMatch(/^Alexa > /m);
      expect(run.code, run.output).toBe(0);
    },
    120_000,
  );
});
