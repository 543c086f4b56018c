// What the build hook embeds for the daily caps, and the build log lines that say so.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherEmbeddedConfig } from '../../../../ops/deploy/embeddedConfig.ts';
import { writeJson } from '../../../helpers/projectCopy.ts';

let dir: string;
const credentialsFile = () => join(dir, 'AlexaSkillMailSender.json');
const skillId = 'amzn1.ask.skill.aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alexa-mailer-embedded-'));
  await writeJson(credentialsFile(), {
    SES_ACCESS_KEY_ID: 'TEST-KEY-ID-EMBEDDED',
    SES_SECRET_ACCESS_KEY: 'test-secret-not-a-real-one',
    SES_REGION: 'us-east-1',
    SES_FROM_ADDRESS: 'sender@example.com',
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the daily caps given to the build', () => {
  it('embeds MAIL_LIMIT_PER_DAY from the build’s environment and says so in the build log', async () => {
    const { values, summary } = await gatherEmbeddedConfig({
      credentialsFile: credentialsFile(),
      skillId,
      limits: { perUserPerDay: '5', perDay: '150' },
    });
    expect(values.MAIL_LIMIT_PER_USER_PER_DAY).toBe('5');
    expect(values.MAIL_LIMIT_PER_DAY).toBe('150');
    expect(summary).toContain('MAIL_LIMIT_PER_DAY 150 (from the environment)');
  });

  it('leaves the account-wide cap off when the environment sets none, and the log says there is none', async () => {
    const { values, summary } = await gatherEmbeddedConfig({ credentialsFile: credentialsFile(), skillId });
    expect(values).not.toHaveProperty('MAIL_LIMIT_PER_DAY');
    expect(summary).toContain("MAIL_LIMIT_PER_DAY not set: no cap on all users' mails together (docs/limits.md)");
  });

  it('refuses an account-wide cap the skill would reject, before anything is built', async () => {
    await expect(
      gatherEmbeddedConfig({ credentialsFile: credentialsFile(), skillId, limits: { perDay: 'lots' } }),
    ).rejects.toThrow(/MAIL_LIMIT_PER_DAY/);
  });
});
