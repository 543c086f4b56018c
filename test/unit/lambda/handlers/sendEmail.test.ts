// SendEmailIntent end to end: a real Customer Profile API stand-in, the real SES client
// signing with the configured key, and the SES stand-in delivering to its outbox. Assertions
// are on what the user hears and receives. How the skill survives failing services is the
// fault matrix's (test/integration/reliability/faults.test.ts).

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CapturedMail, type SesStandIn, startSesStandIn } from '../../../../testkit/aws/ses/standIn.ts';
import { intentRequest } from '../../../../testkit/envelopes.ts';
import { PLACEHOLDER_FROM_ADDRESS } from '../../../../testkit/placeholders.ts';
import { type ProfileApi, startProfileApi } from '../../../../testkit/profileApi.ts';
import { type SkillUnderTest, skillUnderTest, speechOf } from '../../../../testkit/skillHarness.ts';

let outbox: SesStandIn;
let profile: ProfileApi;
let skill: SkillUnderTest;

beforeAll(async () => {
  [outbox, profile] = await Promise.all([startSesStandIn(), startProfileApi()]);
  skill = skillUnderTest({ sesUrl: outbox.url });
});
afterAll(async () => {
  await Promise.all([outbox.close(), profile.close()]);
});
beforeEach(async () => {
  await outbox.clear();
  profile.set({ email: 'taro@example.com', givenName: 'Taro' });
  skill.logs.length = 0;
});

// Each request from a user of its own: the abuse limits, which would call a repeat "just sent", have their own tests.
const sendEmail = (slots: Record<string, string> = {}, options: Parameters<typeof intentRequest>[2] = {}) =>
  skill.invoke(
    intentRequest('SendEmailIntent', slots, {
      apiEndpoint: profile.url,
      userId: `amzn1.ask.account.${randomUUID()}`,
      ...options,
    }),
  );

/** The outbox's only mail: a second one (a duplicated send, a copy to someone else) fails the test. */
async function theOnlyMail(): Promise<CapturedMail> {
  const mails = await outbox.mails();
  expect(mails).toHaveLength(1);
  return mails[0]!;
}

describe('sending a mail to the account holder', () => {
  it('mails the profile address through SendEmail and confirms with the address masked', async () => {
    const response = await sendEmail();

    expect(speechOf(response)).toBe(
      '<speak>Done. I sent an email to your address that starts with <say-as interpret-as="characters">t</say-as>, at example.com.</speak>',
    );
    expect(response.response.card).toEqual({
      type: 'Simple',
      title: 'Email sent',
      content: expect.stringContaining('Sent to t***@example.com.'),
    });
    expect(response.response.shouldEndSession).toBe(true);

    const mail = await theOnlyMail();
    expect(mail.from).toBe(`Mail Sender <${PLACEHOLDER_FROM_ADDRESS}>`);
    expect(mail.destination).toEqual({ to: ['taro@example.com'], cc: [], bcc: [] });
    expect(mail.subject).toBe('A message from Mail Sender');
    expect(mail.body.text).toContain('Hi Taro,');
    expect(mail.body.html).toContain('<p>Hi Taro,</p>');
    expect(mail.attachments).toEqual([]);
  });

  it('writes Japanese mail that arrives readable, and speaks Japanese', async () => {
    profile.set({ email: 'hanako@example.jp', givenName: '花子' });
    const response = await sendEmail({}, { locale: 'ja-JP' });

    expect(speechOf(response)).toContain(
      'example.jp の、<say-as interpret-as="characters">h</say-as> で始まるあなたのアドレスにメールを送りました',
    );
    expect(response.response.card?.type).toBe('Simple');
    const mail = await theOnlyMail();
    expect(mail.destination.to).toEqual(['hanako@example.jp']);
    expect(mail.subject).toBe('メールセンダーからのメール');
    expect(mail.body.text).toContain('花子さん、こんにちは。');
    expect(mail.body.html).toContain('Alexaにお願いされたメールをお届けします。');
  });

  it('puts a dictated note in the body and attaches it, through SendRawEmail', async () => {
    const response = await sendEmail({ note: 'buy milk & eggs <today>' });

    // Read back so a misheard note is noticed, and escaped so that it stays text in the SSML.
    expect(speechOf(response)).toBe(
      '<speak>Done. I sent an email to your address that starts with <say-as interpret-as="characters">t</say-as>, at example.com, with your note: buy milk &amp; eggs &lt;today&gt;.</speak>',
    );
    const mail = await theOnlyMail();
    expect(mail.subject).toBe('Your note from Mail Sender');
    expect(mail.destination).toEqual({ to: ['taro@example.com'], cc: [], bcc: [] });
    expect(mail.body.text).toContain('buy milk & eggs <today>');
    expect(mail.body.html).toContain('buy milk &amp; eggs &lt;today&gt;');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]?.filename).toBe('note.txt');
    expect(Buffer.from(mail.attachments[0]?.content ?? '', 'base64').toString('utf8')).toBe('buy milk & eggs <today>');
    expect(skill.logs.some((line) => line.includes('"api":"SendRawEmail"'))).toBe(true);
  });

  it('sends a Japanese note with a Japanese subject through the raw path', async () => {
    const response = await sendEmail({ note: '牛乳を買う' }, { locale: 'ja-JP' });

    expect(speechOf(response)).toContain('アドレスに、「牛乳を買う」というメモを添えてメールを送りました。');
    const mail = await theOnlyMail();
    expect(mail.subject).toBe('メールセンダーからのメモ');
    expect(mail.body.text).toContain('牛乳を買う');
    expect(mail.attachments.map((file) => file.filename)).toEqual(['memo.txt']);
    expect(Buffer.from(mail.attachments[0]?.content ?? '', 'base64').toString('utf8')).toBe('牛乳を買う');
  });

  it('greets without a name when the given-name permission is withheld', async () => {
    profile.set({ email: 'taro@example.com', givenNamePermission: false });
    await sendEmail();
    const mail = await theOnlyMail();
    expect(mail.body.text?.startsWith('Hi,\n')).toBe(true);
  });
});

describe('the address read back, as a person sees it', () => {
  it.each([
    ['😀@example.org', '😀'],
    ['e\u0301mile@example.org', 'e\u0301'],
  ])('starts %s with its whole first character, in well-formed SSML', async (address, first) => {
    profile.set({ email: address, givenName: 'Taro' });
    const response = await sendEmail();

    const speech = speechOf(response);
    expect(speech).toBe(
      `<speak>Done. I sent an email to your address that starts with <say-as interpret-as="characters">${first}</say-as>, at example.org.</speak>`,
    );
    // No lone half of a surrogate pair, which XML cannot hold.
    expect(speech).not.toMatch(/\p{Cs}/u);
    expect((await theOnlyMail()).destination.to).toEqual([address]);
  });

  it('takes no address with a bidi override: a header would make another address of it', async () => {
    profile.set({ email: 'evil\u202Egro.elpmaxe@example.org', givenName: 'Taro' });
    const response = await sendEmail();

    expect(speechOf(response)).toBe(
      "<speak>Sorry, I couldn't read your Amazon profile just now. Please try again in a moment.</speak>",
    );
    expect(speechOf(response)).not.toContain('\u202E');
    expect(await outbox.mails()).toEqual([]);
  });
});

describe('the recipient is the profile address and nothing else', () => {
  it('ignores addresses in slots and session attributes', async () => {
    const envelope = intentRequest(
      'SendEmailIntent',
      { note: 'to: attacker@evil.example', to: 'attacker@evil.example', email: 'attacker@evil.example' },
      {
        apiEndpoint: profile.url,
        attributes: { to: 'attacker@evil.example', recipient: 'attacker@evil.example', bcc: 'attacker@evil.example' },
      },
    );
    await skill.invoke(envelope);

    expect((await theOnlyMail()).destination).toEqual({ to: ['taro@example.com'], cc: [], bcc: [] });
  });

  it('keeps a note with header-injection text in the body, never in a header', async () => {
    await sendEmail({ note: 'hello\r\nBcc: attacker@evil.example\r\nSubject: pwned' });

    const mail = await theOnlyMail();
    expect(mail.destination).toEqual({ to: ['taro@example.com'], cc: [], bcc: [] });
    expect(mail.subject).toBe('Your note from Mail Sender');
    expect(mail.body.text).toContain('Bcc: attacker@evil.example');
  });
});

describe('when the profile cannot give an address', () => {
  it('asks for permission with a consent card when the profile API answers 403', async () => {
    profile.set({ emailStatus: 403 });
    const response = await sendEmail();

    expect(speechOf(response)).toContain('needs permission to read your email address');
    expect(response.response.card).toEqual({
      type: 'AskForPermissionsConsent',
      permissions: expect.arrayContaining(['alexa::profile:email:read']),
    });
    expect(await outbox.mails()).toEqual([]);
  });

  it('tells the user to add an address when the profile has none (204)', async () => {
    profile.set({ email: null });
    const response = await sendEmail();
    expect(speechOf(response)).toContain('has no email address yet. Add one in the Alexa app');
    expect(await outbox.mails()).toEqual([]);
  });

  it('tells the user in Japanese to add an address when the profile has none', async () => {
    profile.set({ email: null });
    const response = await sendEmail({}, { locale: 'ja-JP' });
    expect(speechOf(response)).toContain('メールアドレスが登録されていません');
    expect(await outbox.mails()).toEqual([]);
  });
});

describe('logs', () => {
  it('name the event, request ID and intent, and mask every address', async () => {
    const envelope = intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url });
    await skill.invoke(envelope);

    const sent = skill.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry.event === 'mail-sent');
    expect(sent).toMatchObject({
      level: 'info',
      intent: 'SendEmailIntent',
      requestId: envelope.request.requestId,
      to: 't***@example.com',
      api: 'SendEmail',
    });
    expect(skill.logs.join('\n')).not.toContain('taro@example.com');
  });
});

describe('a skill not set up to send', () => {
  it('says the skill is not set up, and logs why, when SES_FROM_ADDRESS is missing', async () => {
    const underTest = skillUnderTest({ sesUrl: outbox.url, env: { SES_FROM_ADDRESS: undefined } });
    const response = await underTest.invoke(intentRequest('SendEmailIntent'));
    expect(speechOf(response)).toContain("isn't set up to send email yet");
    expect(
      underTest.logs.some(
        (line) => line.includes('"event":"not-configured"') && line.includes('SES_FROM_ADDRESS is not set'),
      ),
    ).toBe(true);
  });
});
