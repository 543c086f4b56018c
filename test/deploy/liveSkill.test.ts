// The dialog files against the deployed skill, through the real ASK CLI and Amazon's skill
// simulation. Skipped unless ALEXA_MAILER_LIVE_SKILL=1, an ASK CLI profile exists and
// `ask deploy` has recorded a skill ID; the skip message says how to run it. Only the files
// without a "simulate" key can run in the cloud; the one-shot and note files send a real mail
// to the developer account's own address.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/build/lambda.ts';
import { ASK_STATES_FILE } from '../../scripts/deploy/askStates.ts';

const HOW_TO_RUN = 'npx ask configure && npm run provision -- --from ADDRESS && npx ask deploy, then ALEXA_MAILER_LIVE_SKILL=1 npx vitest run test/deploy/liveSkill.test.ts';
const DIALOGS = join(PROJECT_ROOT, 'test/dialogs');

const switchedOn = process.env.ALEXA_MAILER_LIVE_SKILL === '1';
const askProfile = existsSync(join(process.env.ASK_CONFIG_DIR ?? join(homedir(), '.ask'), 'cli_config'));
const deployed = existsSync(ASK_STATES_FILE);
const runnable = switchedOn && askProfile && deployed;
if (!runnable) {
  const missing = !switchedOn ? 'ALEXA_MAILER_LIVE_SKILL=1 is not set' : !askProfile ? 'there is no ASK CLI profile' : 'the skill has not been deployed (.ask/ask-states.json is missing)';
  console.info(`Live skill suite skipped (${missing}). To run it against your deployed skill:\n  ${HOW_TO_RUN}`);
}

/** Dialog files that describe nothing local, so the live skill can answer them as written. */
function cloudDialogs(): string[] {
  return readdirSync(DIALOGS, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.json'))
    .filter((name) => !('simulate' in (JSON.parse(readFileSync(join(DIALOGS, name), 'utf8')) as object)))
    .sort();
}

describe.skipIf(!runnable)(`the deployed skill (run with: ${HOW_TO_RUN})`, () => {
  it.each(cloudDialogs())(
    '%s meets its expectations in the cloud',
    async (file) => {
      const run = await new Promise<{ code: number; output: string }>((resolve) => {
        execFile(join(PROJECT_ROOT, 'node_modules/.bin/tsx'), [join(PROJECT_ROOT, 'scripts/deploy/simulateCloud.ts'), join(DIALOGS, file)], { cwd: PROJECT_ROOT }, (error, stdout, stderr) => {
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
        });
      });
      expect(run.output).toMatch(/^Alexa > /m);
      expect(run.code, run.output).toBe(0);
    },
    120_000,
  );
});
