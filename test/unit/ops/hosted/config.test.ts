// What `npm run hosted` embeds for the daily caps, and the lines it prints about them.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherHostedConfig } from '../../../../ops/hosted/config.ts';
import { writeJson } from '../../../helpers/projectCopy.ts';

let dir: string;
const credentialsFile = () => join(dir, 'AlexaSkillMailSender.json');
const sources = () => ({
  credentialsFile: credentialsFile(),
  embedKey: false,
  skillId: 'amzn1.ask.skill.aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  askStatesFiles: [],
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alexa-mailer-hosted-config-'));
  await writeJson(credentialsFile(), {
    SES_REGION: 'us-east-1',
    SES_FROM_ADDRESS: 'sender@example.com',
    SES_ROLE_ARN: 'arn:aws:iam::123456789012:role/AlexaSkillMailSenderRole',
    SES_ROLE_EXTERNAL_ID: '5f0c6f1e-0000-4000-8000-000000000000',
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the daily caps of an exported hosted skill', () => {
  it('embeds MAIL_LIMIT_PER_DAY from the environment of the export and prints it', async () => {
    const { values, summary } = await gatherHostedConfig({ ...sources(), perUserPerDay: '3', perDay: '150' });
    expect(values.MAIL_LIMIT_PER_USER_PER_DAY).toBe('3');
    expect(values.MAIL_LIMIT_PER_DAY).toBe('150');
    expect(summary).toContain('MAIL_LIMIT_PER_DAY 150 (from the environment)');
  });

  it('embeds no account-wide cap when none is set, and prints that there is none', async () => {
    const { values, summary } = await gatherHostedConfig(sources());
    expect(values).not.toHaveProperty('MAIL_LIMIT_PER_DAY');
    expect(summary).toContain("MAIL_LIMIT_PER_DAY not set: no cap on all users' mails together (docs/limits.md)");
  });
});
