// The provisioning page (docs/provisioning.md) stays true: it lists every permission the
// command calls (and only those, plus the live suite's), and its commands parse as written.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../../ops/paths.ts';
import { parseCommand } from '../../../../ops/provision/options.ts';
import { PERMISSIONS } from '../../../../ops/provision/permissions.ts';

const provisioningPage = () => readFile(join(PROJECT_ROOT, 'docs/provisioning.md'), 'utf8');

describe('the provisioning page', () => {
  it("lists exactly the permissions the command uses, plus the live suite's", async () => {
    const section = await provisioningPage();
    const listed = new Set(
      [...section.matchAll(/`((?:iam|ses|sns|sts|dynamodb):[A-Za-z]+)`/g)].map((match) => match[1]),
    );
    expect([...listed].sort()).toEqual(
      [
        ...Object.keys(PERMISSIONS),
        'iam:SimulateCustomPolicy',
        'ses:SendEmail',
        'ses:SendRawEmail',
        'ses:SendMail',
        // What the AlexaSkillMailLimit policy grants the skill, which the page shows.
        'dynamodb:UpdateItem',
        'dynamodb:GetItem',
      ].sort(),
    );
  });

  it('gives only commands that parse', async () => {
    const section = await provisioningPage();
    const commands = [...section.matchAll(/npm run provision -- ([^\n#`]+)/g)].map((match) => (match[1] ?? '').trim());
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const command of commands) {
      expect(() => parseCommand(command.split(/\s+/), {}), command).not.toThrow();
    }
  });
});
