// A conversation as Alexa runs it: complete request envelopes, one session carried across
// turns, the SessionEndedRequests Alexa sends, name-free interaction, and the dictated note
// in the mail, through the built skill and the local outbox.

import type { IntentRequest, RequestEnvelope, ResponseEnvelope, SessionEndedRequest } from 'ask-sdk-model';
import { beforeEach, describe, expect, it } from 'vitest';
import { matcherFor } from '../../../devtools/interaction-model/matcher.ts';
import {
  type Conversation,
  SKILL_DID_NOT_ANSWER,
  startConversation,
} from '../../../devtools/simulator/conversation.ts';
import type { LocalLambda } from '../../../devtools/simulator/localLambda.ts';
import { DEFAULT_USER } from '../../../devtools/simulator/simulator.ts';
import { SES_BEHAVIOURS } from '../../../testkit/aws/ses/standIn.ts';
import { useSimulator } from '../../helpers/localSkill.ts';

const SKILL_ID = 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555';

const simulator = useSimulator({ skillId: SKILL_ID });

beforeEach(async () => {
  simulator().setUser(DEFAULT_USER);
  simulator().setSes(SES_BEHAVIOURS.accept);
  await simulator().takeNewMails();
});

function talk(locale = 'en-US'): Conversation {
  return simulator().converse({ locale, skillId: SKILL_ID });
}

const requestTypes = (turn: { exchanges: readonly { request: RequestEnvelope }[] }) =>
  turn.exchanges.map((exchange) => exchange.request.request.type);

describe('request envelopes', () => {
  it('are complete, and carry one session from its first turn to its last', async () => {
    const conversation = talk();
    const launch = (await conversation.say('open mail sender')).exchanges[0]!.request;
    const help = (await conversation.say('help')).exchanges[0]!.request;
    const send = (await conversation.say('send me an email')).exchanges[0]!.request;

    expect(launch.version).toBe('1.0');
    expect(launch.session?.new).toBe(true);
    expect(launch.session?.sessionId).toMatch(/^amzn1\.echo-api\.session\./);
    expect(launch.session?.application.applicationId).toBe(SKILL_ID);
    expect(launch.context.System.application.applicationId).toBe(SKILL_ID);
    expect(launch.context.System.user.userId).toMatch(/^amzn1\.ask\.account\./);
    expect(launch.context.System.device?.deviceId).toMatch(/^amzn1\.ask\.device\./);
    expect(launch.context.System.apiEndpoint).toBe(simulator().profileApiUrl);
    expect(launch.context.System.apiAccessToken).toBeTruthy();
    expect(launch.request).toMatchObject({
      type: 'LaunchRequest',
      locale: 'en-US',
      requestId: expect.stringMatching(/^amzn1\.echo-api\.request\./),
    });
    expect(Math.abs(Date.parse(launch.request.timestamp) - Date.now())).toBeLessThan(60_000);

    for (const later of [help, send]) {
      expect(later.session?.new).toBe(false);
      expect(later.session?.sessionId).toBe(launch.session?.sessionId);
      expect(later.context.System.apiAccessToken).toBe(launch.context.System.apiAccessToken);
      expect(later.context.System.user.userId).toBe(launch.context.System.user.userId);
      expect(later.context.System.device?.deviceId).toBe(launch.context.System.device?.deviceId);
      expect(later.request.requestId).not.toBe(launch.request.requestId);
    }
    expect((help.request as IntentRequest).intent.name).toBe('AMAZON.HelpIntent');
    // A declared slot the user did not fill is sent without a value, as Alexa sends it.
    expect((send.request as IntentRequest).intent).toEqual({
      name: 'SendEmailIntent',
      confirmationStatus: 'NONE',
      slots: { note: { name: 'note', confirmationStatus: 'NONE' } },
    });
  });

  it('start a new session for every one-shot', async () => {
    const conversation = talk();
    const first = (await conversation.say('ask mail sender to send me an email')).exchanges[0]!.request;
    const second = (await conversation.say('ask mail sender to send me an email')).exchanges[0]!.request;
    expect(first.session?.new).toBe(true);
    expect(second.session?.new).toBe(true);
    expect(second.session?.sessionId).not.toBe(first.session?.sessionId);
  });

  it('carry the locale of the conversation', async () => {
    const turn = await talk('ja-JP').say('メールセンダーを開いて');
    expect(turn.exchanges[0]!.request.request.locale).toBe('ja-JP');
    expect(turn.speech).toMatch(/^メールセンダーへようこそ/);
  });
});

describe('the end of a session', () => {
  it('follows a response that says so, with no SessionEndedRequest (Alexa sends none then)', async () => {
    const turn = await talk().say('ask mail sender to send me an email');
    expect(requestTypes(turn)).toEqual(['IntentRequest']);
    expect(turn.sessionEnded).toBe(true);
  });

  it('is a SessionEndedRequest (USER_INITIATED) when the user says "exit"', async () => {
    const conversation = talk();
    const launch = await conversation.say('open mail sender');
    const exit = await conversation.say('exit');
    expect(requestTypes(exit)).toEqual(['SessionEndedRequest']);
    expect(exit.exchanges[0]!.request.session?.sessionId).toBe(launch.exchanges[0]!.request.session?.sessionId);
    expect((exit.exchanges[0]!.request.request as SessionEndedRequest).reason).toBe('USER_INITIATED');
    expect(exit.speech).toBeUndefined();
    expect(exit.sessionEnded).toBe(true);
    expect(conversation.inSession).toBe(false);
  });

  it('is a SessionEndedRequest (EXCEEDED_MAX_REPROMPTS) when the user walks away from an open session', async () => {
    const conversation = talk();
    await conversation.say('open mail sender');
    const timeout = await conversation.finish();
    expect(timeout?.user).toBeNull();
    expect((timeout?.exchanges[0]?.request.request as SessionEndedRequest | undefined)?.reason).toBe(
      'EXCEEDED_MAX_REPROMPTS',
    );
    expect(await conversation.finish()).toBeUndefined();
  });
});

describe('words that do not name the skill', () => {
  it('reach it by name-free interaction when it says it can fulfil them', async () => {
    const turn = await talk().say('send me an email');
    expect(requestTypes(turn)).toEqual(['CanFulfillIntentRequest', 'IntentRequest']);
    expect(turn.exchanges[0]!.response?.response).toMatchObject({ canFulfillIntent: { canFulfill: 'YES' } });
    expect(turn.mails).toHaveLength(1);
  });

  it('never reach it otherwise, and the simulator says how to name it', async () => {
    const turn = await talk().say('what time is it');
    expect(turn.exchanges).toEqual([]);
    expect(turn.note).toContain('"ask mail sender to send me an email"');
    expect(turn.sessionEnded).toBe(false);
  });
});

describe('the dictated note', () => {
  it('is in the English mail and attached as note.txt', async () => {
    const turn = await talk().say('ask mail sender to send me an email saying buy milk');
    expect(turn.mails).toHaveLength(1);
    const [mail] = turn.mails;
    expect(mail?.destination.to).toEqual(['you@example.com']);
    expect(mail?.subject).toBe('Your note from Mail Sender');
    expect(mail?.body.text).toContain('Your note:\nbuy milk\n');
    expect(
      mail?.attachments.map((file) => [file.filename, Buffer.from(file.content, 'base64').toString('utf8')]),
    ).toEqual([['note.txt', 'buy milk']]);
  });

  it('is in the Japanese mail, taken from a sentence written without spaces', async () => {
    const turn = await talk('ja-JP').say('アレクサ、メールセンダーで牛乳を買うというメールを送って');
    const [mail] = turn.mails;
    expect(mail?.subject).toBe('メールセンダーからのメモ');
    expect(mail?.body.text).toContain('メモ:\n牛乳を買う\n');
    expect(
      mail?.attachments.map((file) => [file.filename, Buffer.from(file.content, 'base64').toString('utf8')]),
    ).toEqual([['memo.txt', '牛乳を買う']]);
  });
});

describe('the simulated user', () => {
  it('is the one the profile API describes, and can be changed between turns', async () => {
    simulator().setUser({ email: 'hanako@example.jp', givenName: '花子', emailPermission: true });
    const turn = await talk('ja-JP').say('メールセンダーでメールを送って');
    expect(turn.mails.map((mail) => mail.destination.to)).toEqual([['hanako@example.jp']]);
    expect(turn.mails[0]?.body.text).toMatch(/^花子さん、こんにちは。/);
  });
});

describe('with a stand-in handler, what the built skill never does', () => {
  function scripted(answers: ((request: RequestEnvelope) => ResponseEnvelope | Error)[]): {
    lambda: LocalLambda;
    received: RequestEnvelope[];
  } {
    const received: RequestEnvelope[] = [];
    const lambda: LocalLambda = {
      bundlePath: 'stand-in',
      rebuilt: false,
      coldStartLogs: [],
      async invoke(event) {
        received.push(event);
        const answer = answers.shift()?.(event) ?? new Error('no answer scripted');
        return {
          outcome: answer instanceof Error ? { ok: false, error: answer } : { ok: true, response: answer },
          logs: [],
        };
      },
    };
    return { lambda, received };
  }
  const conversationWith = (lambda: LocalLambda) =>
    startConversation({
      lambda,
      matcher: matcherFor('en-US'),
      skillId: SKILL_ID,
      profileApiUrl: 'http://127.0.0.1:9',
      takeNewMails: async () => [],
    });

  it('carries the session attributes of each response into the next request', async () => {
    const { lambda, received } = scripted([
      () => ({ version: '1.0', sessionAttributes: { step: 1 }, response: { shouldEndSession: false } }),
      () => ({ version: '1.0', sessionAttributes: { step: 2 }, response: { shouldEndSession: false } }),
      () => ({ version: '1.0', response: { shouldEndSession: true } }),
    ]);
    const conversation = conversationWith(lambda);
    await conversation.say('open mail sender');
    await conversation.say('help');
    await conversation.say('help');
    expect(received.map((request) => request.session?.attributes)).toEqual([{}, { step: 1 }, { step: 2 }]);
  });

  it('says what a device says when the skill fails, and tells the skill with SessionEndedRequest (ERROR)', async () => {
    const { lambda, received } = scripted([() => new Error('boom'), () => ({ version: '1.0', response: {} })]);
    const turn = await conversationWith(lambda).say('ask mail sender to send me an email');
    expect(turn.speech).toBe(SKILL_DID_NOT_ANSWER);
    expect(turn.sessionEnded).toBe(true);
    expect(received.map((request) => request.request.type)).toEqual(['IntentRequest', 'SessionEndedRequest']);
    expect((received[1]?.request as SessionEndedRequest | undefined)?.reason).toBe('ERROR');
  });
});
