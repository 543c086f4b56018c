// The one error handler: whatever goes wrong inside, the user hears a short apology in
// their language, never a stack trace or an internal message, and the log names the error.

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../lambda/config.ts';
import { createLogger } from '../../../../lambda/log.ts';
import { createSkill } from '../../../../lambda/skill.ts';
import { intentRequest, LOCAL_SKILL_ID } from '../../../../testkit/envelopes.ts';
import { speechOf } from '../../../../testkit/skillHarness.ts';

function skillWithBrokenProfile(message: string) {
  const logs: string[] = [];
  const skill = createSkill({
    config: loadConfig({ SES_FROM_ADDRESS: 'sender@example.com', SKILL_ID: LOCAL_SKILL_ID }),
    logger: createLogger((line) => logs.push(line)),
    profile: {
      read: () => Promise.reject(new TypeError(message)),
    },
  });
  return { skill, logs };
}

describe('unexpected errors', () => {
  it.each([
    ['en-US', '<speak>Sorry, something went wrong. Please try again.</speak>'],
    ['ja-JP', '<speak>すみません、問題が発生しました。もう一度お試しください。</speak>'],
  ])('are answered with a plain apology in %s', async (locale, apology) => {
    const { skill, logs } = skillWithBrokenProfile(
      'Cannot read properties of undefined (reading "x") at /var/task/index.js:1:2',
    );
    const response = await skill.invoke(intentRequest('SendEmailIntent', {}, { locale }));

    expect(speechOf(response)).toBe(apology);
    expect(JSON.stringify(response)).not.toContain('/var/task');
    expect(logs.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ level: 'error', event: 'unhandled-error', errorName: 'TypeError' }),
    );
  });

  it('mask an address that appears in an error message before logging it', async () => {
    const { skill, logs } = skillWithBrokenProfile('failed for someone@example.org');
    await skill.invoke(intentRequest('SendEmailIntent'));
    expect(logs.join('\n')).toContain('s***@example.org');
    expect(logs.join('\n')).not.toContain('someone@example.org');
  });
});
