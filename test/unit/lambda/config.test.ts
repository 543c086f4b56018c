// loadConfig: the environment, validated once, into a typed Config.

import { describe, expect, it } from 'vitest';
import { AMAZON_API_ORIGINS, isAllowedApiUrl } from '../../../lambda/apiOrigins.ts';
import { isPlausibleAddress, loadConfig } from '../../../lambda/config.ts';

const complete = {
  SES_FROM_ADDRESS: 'sender@example.com',
  SES_ACCESS_KEY_ID: 'EXAMPLE-KEY-ID-NOT-REAL',
  SES_SECRET_ACCESS_KEY: 'not-a-real-secret',
  SKILL_ID: 'amzn1.ask.skill.x',
};

describe('loadConfig', () => {
  it('reads a complete configuration', () => {
    expect(loadConfig({ ...complete, SES_REGION: 'eu-west-1' })).toEqual({
      mail: {
        fromAddress: 'sender@example.com',
        region: 'eu-west-1',
        credentials: { accessKeyId: 'EXAMPLE-KEY-ID-NOT-REAL', secretAccessKey: 'not-a-real-secret' },
      },
      limits: { perUserPerDay: 10, perDay: 0 },
      skillId: 'amzn1.ask.skill.x',
      apiOrigins: AMAZON_API_ORIGINS,
      problems: [],
    });
  });

  it('defaults the region to AWS_REGION, then us-east-1', () => {
    expect(loadConfig({ ...complete, AWS_REGION: 'ap-northeast-1' }).mail?.region).toBe('ap-northeast-1');
    expect(loadConfig(complete).mail?.region).toBe('us-east-1');
  });

  it('uses the default credential chain when no key is set', () => {
    const config = loadConfig({ SES_FROM_ADDRESS: 'sender@example.com', SKILL_ID: 'amzn1.ask.skill.x' });
    expect(config.problems).toEqual([]);
    expect(config.mail).toEqual({ fromAddress: 'sender@example.com', region: 'us-east-1' });
  });

  it.each([
    [{}, /SES_FROM_ADDRESS is not set/],
    [{ SES_FROM_ADDRESS: 'sender at example.com' }, /SES_FROM_ADDRESS is not an email address/],
    [{ ...complete, SES_REGION: 'Virginia' }, /SES_REGION "Virginia" is not an AWS region name/],
    [
      { SES_FROM_ADDRESS: 'sender@example.com', SES_ACCESS_KEY_ID: 'EXAMPLE-KEY-ID-NOT-REAL' },
      /SES_SECRET_ACCESS_KEY is not set/,
    ],
    [{ SES_FROM_ADDRESS: 'sender@example.com', SES_SECRET_ACCESS_KEY: 'x' }, /SES_ACCESS_KEY_ID is not set/],
    [{ ...complete, MAIL_LIMIT_PER_USER_PER_DAY: 'ten' }, /MAIL_LIMIT_PER_USER_PER_DAY "ten" is not a whole number/],
    [{ ...complete, MAIL_LIMIT_PER_USER_PER_DAY: '-1' }, /MAIL_LIMIT_PER_USER_PER_DAY "-1" is not a whole number/],
    [{ ...complete, MAIL_LIMIT_PER_USER_PER_DAY: '2.5' }, /MAIL_LIMIT_PER_USER_PER_DAY "2.5" is not a whole number/],
    [{ ...complete, MAIL_LIMIT_PER_USER_PER_DAY: '10001' }, /from 0 \(no cap\) to 10000/],
    [{ ...complete, MAIL_LIMIT_TABLE: 'my table' }, /MAIL_LIMIT_TABLE "my table" is not a DynamoDB table name/],
    [{ ...complete, MAIL_LIMIT_TABLE: 'ab' }, /MAIL_LIMIT_TABLE "ab" is not a DynamoDB table name/],
    [{ ...complete, SKILL_ID: ' ' }, /SKILL_ID is not set: .* it sends no mail; `npx ask deploy` embeds it/],
    [{ ...complete, ALEXA_API_ENDPOINTS: 'http://127.0.0.1/profile' }, /"http:\/\/127.0.0.1\/profile" is not scheme/],
  ])('reports an unusable configuration %#', (env, problem) => {
    const config = loadConfig(env);
    expect(config.mail).toBeUndefined();
    expect(config.problems.join(' ')).toMatch(problem);
  });

  it('caps each user at 10 mails a day in memory unless told otherwise', () => {
    expect(loadConfig(complete).limits).toEqual({ perUserPerDay: 10, perDay: 0 });
    expect(loadConfig({ ...complete, MAIL_LIMIT_PER_USER_PER_DAY: ' 0 ' }).limits).toEqual({
      perUserPerDay: 0,
      perDay: 0,
    });
    expect(
      loadConfig({ ...complete, MAIL_LIMIT_PER_USER_PER_DAY: '3', MAIL_LIMIT_TABLE: 'AlexaSkillMailLimit' }),
    ).toMatchObject({ limits: { perUserPerDay: 3, table: 'AlexaSkillMailLimit' }, problems: [] });
  });

  it('caps the whole account a day only when MAIL_LIMIT_PER_DAY says so, and refuses a value that is not a cap', () => {
    expect(loadConfig({ ...complete, MAIL_LIMIT_PER_DAY: '50000' }).limits).toEqual({
      perUserPerDay: 10,
      perDay: 50_000,
    });
    const wrong = loadConfig({ ...complete, MAIL_LIMIT_PER_DAY: 'lots' });
    expect(wrong.mail).toBeUndefined();
    expect(wrong.problems).toEqual(['MAIL_LIMIT_PER_DAY "lots" is not a whole number from 0 (no cap) to 10000000.']);
  });

  it('names the configuration set on the mail configuration when SES_CONFIGURATION_SET is set', () => {
    expect(loadConfig({ ...complete, SES_CONFIGURATION_SET: 'skill-mail_1' }).mail?.configurationSet).toBe(
      'skill-mail_1',
    );
    expect(loadConfig({ ...complete, SES_CONFIGURATION_SET: '  ' }).mail).not.toHaveProperty('configurationSet');
  });

  it.each(['skill mail', 'skill/mail', 'x'.repeat(65)])('refuses the configuration set name "%s"', (name) => {
    const config = loadConfig({ ...complete, SES_CONFIGURATION_SET: name });
    expect(config.mail).toBeUndefined();
    expect(config.problems.join(' ')).toMatch(/SES_CONFIGURATION_SET ".*" is not a configuration set name/);
  });

  it('never repeats the secret in a problem', () => {
    const config = loadConfig({ SES_FROM_ADDRESS: 'bad', SES_SECRET_ACCESS_KEY: 'super-secret-value' });
    expect(config.problems.join(' ')).not.toContain('super-secret-value');
  });
});

describe('isPlausibleAddress', () => {
  it.each([
    'victim\u0001attacker@evil.example',
    'a\u0085b@example.com',
    'taro@exa\u0000mple.com',
    'two words@example.com',
    'no-at-sign.example.com',
    // Invisible, yet a header would turn each into a space, and so into another address.
    'evil\u202Emoc.elpmaxe@example.org',
    'taro\u200B@example.com',
    'taro@example.com\u2066',
    '\uD83D@example.org',
  ])('refuses %j', (address) => {
    expect(isPlausibleAddress(address)).toBe(false);
  });

  it.each(['taro@example.com', 'o.brien+alexa@example.co.jp', '😀@example.org', 'taro@例え.jp'])(
    'accepts %j',
    (address) => {
      expect(isPlausibleAddress(address)).toBe(true);
    },
  );
});

describe('the origins the API access token may go to', () => {
  const allowed = (endpoints: string | undefined, url: string) =>
    isAllowedApiUrl(loadConfig({ ...complete, ALEXA_API_ENDPOINTS: endpoints }).apiOrigins, url);
  const profilePath = '/v2/accounts/~current/settings/Profile.email';

  it.each(['https://api.amazonalexa.com', 'https://api.eu.amazonalexa.com', 'https://api.fe.amazonalexa.com'])(
    "are Amazon's %s, on its default port only",
    (origin) => {
      expect(allowed(undefined, `${origin}${profilePath}`)).toBe(true);
      expect(allowed(undefined, `${origin}:8443${profilePath}`)).toBe(false);
      expect(allowed(undefined, `${origin.replace('https', 'http')}${profilePath}`)).toBe(false);
    },
  );

  it.each([
    'http://127.0.0.1:8080/x',
    'https://api.amazonalexa.com.attacker.example/x',
    'https://api.amazonalexa.com@attacker.example/x',
    'https://user:pass@api.amazonalexa.com/x',
    'not a url',
  ])('refuse %s without ALEXA_API_ENDPOINTS', (url) => {
    expect(allowed(undefined, url)).toBe(false);
  });

  it('take any port of a host listed without one, and only the listed port of one with a port', () => {
    expect(allowed('http://127.0.0.1', `http://127.0.0.1:41234${profilePath}`)).toBe(true);
    expect(allowed('http://127.0.0.1', `http://127.0.0.2:41234${profilePath}`)).toBe(false);
    expect(allowed('http://127.0.0.1', `https://127.0.0.1:41234${profilePath}`)).toBe(false);
    expect(allowed(' http://localhost:8080 , http://127.0.0.1', `http://localhost:8080${profilePath}`)).toBe(true);
    expect(allowed('http://localhost:8080', `http://localhost:8081${profilePath}`)).toBe(false);
  });
});

describe('loadConfig with a role to assume', () => {
  const { SES_ACCESS_KEY_ID: _id, SES_SECRET_ACCESS_KEY: _secret, ...withoutKey } = complete;
  const role = {
    SES_ROLE_ARN: 'arn:aws:iam::123456789012:role/AlexaSkillMailSenderRole',
    SES_ROLE_EXTERNAL_ID: 'external-id-1',
  };

  it('sends through the role, with a session name that names the skill', () => {
    const config = loadConfig({ ...withoutKey, ...role, SKILL_ID: 'amzn1.ask.skill.1234-abcd' });
    expect(config.problems).toEqual([]);
    expect(config.mail?.role).toEqual({
      arn: role.SES_ROLE_ARN,
      externalId: 'external-id-1',
      sessionName: 'alexa-ses-mailer-1234-abcd',
    });
    expect(config.mail?.credentials).toBeUndefined();
  });

  it('calls a key and a role together a configuration problem, and sends neither way', () => {
    const config = loadConfig({ ...complete, ...role });
    expect(config.mail).toBeUndefined();
    expect(config.problems).toEqual([
      'SES_ROLE_ARN and SES_ACCESS_KEY_ID are both set: the skill sends one way only, so keep the role (the safe choice) or the key.',
    ]);
  });

  it('refuses an ARN that is not a role, and an external ID without a role, never repeating the ID', () => {
    expect(loadConfig({ ...withoutKey, SES_ROLE_ARN: 'arn:aws:iam::123456789012:user/Someone' }).problems).toEqual([
      'SES_ROLE_ARN "arn:aws:iam::123456789012:user/Someone" is not an IAM role ARN (arn:aws:iam::<12 digits>:role/NAME).',
    ]);
    expect(loadConfig({ ...withoutKey, SES_ROLE_EXTERNAL_ID: 'external-id-1' }).problems).toEqual([
      'SES_ROLE_EXTERNAL_ID is set without SES_ROLE_ARN.',
    ]);
  });

  it("counts in an Alexa-hosted skill's own table when no limit table is named", () => {
    const hosted = { DYNAMODB_PERSISTENCE_TABLE_NAME: 'abcd-1234', DYNAMODB_PERSISTENCE_REGION: 'us-west-2' };
    expect(loadConfig({ ...withoutKey, ...role, ...hosted }).limits).toEqual({
      perUserPerDay: 10,
      perDay: 0,
      persistenceTable: { name: 'abcd-1234', region: 'us-west-2' },
    });
  });
});
