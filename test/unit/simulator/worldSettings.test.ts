// The world flags of npm start and npm run console: every wrong value is refused with one sentence
// that says what to give instead, and a right one becomes the simulated world.

import { describe, expect, it } from 'vitest';
import { describeLimits, worldFromFlags } from '../../../devtools/simulator/worldSettings.ts';
import { UsageError } from '../../../ops/cli.ts';

const NO_FLAGS = { 'no-email': false, 'no-email-permission': false } as const;

function refusal(flags: Record<string, string | boolean>): string {
  try {
    worldFromFlags({ ...NO_FLAGS, ...flags });
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('the flags were accepted');
}

describe('worldFromFlags', () => {
  it.each([
    [{ locale: 'fr-FR' }, '--locale: fr-FR is not a locale of the skill: use en-US or ja-JP.'],
    [
      { ses: 'explode' },
      '--ses: explode is not an SES behaviour: use one of accept, slow, hang, stall, throttling, throttling-once, daily-quota, recipient-not-verified, sender-not-verified, sending-paused, invalid-client-token, signature-mismatch, internal-failure, malformed-xml.',
    ],
    [{ email: 'a@example.com', 'no-email': true }, '--email and --no-email contradict each other: give one.'],
    [{ email: 'notanemail' }, '--email: "notanemail" is not an email address, such as you@example.com.'],
    [{ email: 'you@example' }, '--email: "you@example" is not an email address, such as you@example.com.'],
    [{ email: '' }, '--email: an address is needed, such as you@example.com.'],
    [{ email: '  ' }, '--email: an address is needed, such as you@example.com.'],
    [{ name: ' ' }, '--name: a given name cannot be blank.'],
    [{ name: 'Al\u0007ex' }, '--name: a given name cannot hold control characters.'],
    [{ name: 'n'.repeat(61) }, '--name: a given name can have at most 60 characters.'],
    [{ 'skill-id': '' }, '--skill-id needs a skill ID, such as amzn1.ask.skill.00000000-0000-0000-0000-000000000000.'],
    [{ 'bundle-dir': '' }, '--bundle-dir needs a folder, such as dist/lambda.'],
    [{ limit: 'ten' }, '--limit: "ten" is not a whole number from 0 (no cap) to 10000.'],
    [{ limit: '-1' }, '--limit: "-1" is not a whole number from 0 (no cap) to 10000.'],
  ])('refuses %j with one sentence', (flags, sentence) => {
    expect(refusal(flags)).toBe(sentence);
  });

  it('takes a right world as it is given', () => {
    expect(
      worldFromFlags({
        ...NO_FLAGS,
        locale: 'ja-JP',
        email: 'hanako@example.jp',
        name: '花子',
        'no-email-permission': true,
        ses: 'throttling',
      }),
    ).toEqual({
      locale: 'ja-JP',
      user: { email: 'hanako@example.jp', givenName: '花子', emailPermission: false },
      ses: 'throttling',
    });
    expect(worldFromFlags({ ...NO_FLAGS, 'no-email': true }).user).toEqual({ email: null });
  });

  it('takes the skill ID from --skill-id, else from the variable the skill reads', () => {
    const deployed = 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555';
    const given = 'amzn1.ask.skill.99999999-8888-7777-6666-555555555555';
    expect(worldFromFlags({ ...NO_FLAGS }, { SKILL_ID: deployed }).skillId).toBe(deployed);
    expect(worldFromFlags({ ...NO_FLAGS, 'skill-id': given }, { SKILL_ID: deployed }).skillId).toBe(given);
    expect(worldFromFlags({ ...NO_FLAGS }, { SKILL_ID: ' ' }).skillId).toBeUndefined();
  });

  it('takes the daily cap from --limit, else from the variable the skill reads', () => {
    expect(worldFromFlags({ ...NO_FLAGS, limit: '3' }, {}).limit).toBe(3);
    expect(worldFromFlags({ ...NO_FLAGS }, { MAIL_LIMIT_PER_USER_PER_DAY: '0' }).limit).toBe(0);
    expect(worldFromFlags({ ...NO_FLAGS, limit: '4' }, { MAIL_LIMIT_PER_USER_PER_DAY: '0' }).limit).toBe(4);
    expect(worldFromFlags({ ...NO_FLAGS }, {}).limit).toBeUndefined();
    expect(() => worldFromFlags({ ...NO_FLAGS }, { MAIL_LIMIT_PER_USER_PER_DAY: 'lots' })).toThrow(
      'MAIL_LIMIT_PER_USER_PER_DAY: "lots" is not a whole number from 0 (no cap) to 10000.',
    );
  });
});

describe('describeLimits', () => {
  it('says where the skill counts: in memory, or with --hosted in the hosted skill’s table', () => {
    expect(describeLimits(10)).toBe(
      'Abuse limits: at most 10 mails a day per Alexa user (a UTC day), counted in memory; the same mail asked again within a minute is sent once.',
    );
    expect(describeLimits(10, true)).toBe(
      "Abuse limits: at most 10 mails a day per Alexa user (a UTC day), counted in the hosted skill's table (dynalite here); the same mail asked again within a minute is sent once.",
    );
  });
});
