// `npm start -- --hosted` (and the console, which starts the same simulator): the exported hosted
// bundle answers in the simulator, sending through the role it assumes with the fake AWS's STS.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../../devtools/simulator/simulator.ts';
import { LOCAL_SKILL_ID } from '../../../testkit/envelopes.ts';

let folder: string;
let simulator: Simulator;
const progress: string[] = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'alexa-mailer-hosted-simulator-'));
  simulator = await startSimulator({ hosted: true, bundleDir: folder, progress: (line) => progress.push(line) });
});
afterAll(async () => {
  await simulator.close();
  await rm(folder, { recursive: true, force: true });
});

it('sends a mail through the assumed role, and says where the role came from', async () => {
  const turn = await simulator
    .converse({ locale: 'en-US', skillId: LOCAL_SKILL_ID })
    .say('ask mail sender to send me an email');
  expect(turn.speech).toBe('Done. I sent an email to your address that starts with y, at example.com.');
  expect(turn.mails.map((mail) => mail.destination.to)).toEqual([['you@example.com']]);
  expect(progress).toContain(
    "Sending through the role arn:aws:iam::123456789012:role/AlexaSkillMailSenderRole, assumed as the hosted skill's execution role.",
  );
  expect(simulator.lambda.bundlePath).toBe(join(folder, 'lambda/index.js'));
});
