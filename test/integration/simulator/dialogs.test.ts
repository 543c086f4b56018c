// Replays every dialog file of test/dialogs/ (both locales: launch, one-shot, the dictated
// note, help, stop, fallback, missing permission, no email on the profile, mail failures, the
// daily cap reached and a repeated mail sent once)
// through the built skill, and holds each turn to the file's own "expect" list.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../../../devtools/simulator/replay.ts';
import { parseReplayFile, readReplayFile } from '../../../devtools/simulator/replayFile.ts';
import { PROJECT_ROOT } from '../../../ops/paths.ts';
import { LOCAL_SKILL_ID } from '../../../testkit/envelopes.ts';
import { useSimulator } from '../../helpers/localSkill.ts';

const DIALOGS = join(PROJECT_ROOT, 'test/dialogs');
const files = readdirSync(DIALOGS, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.json'))
  .sort();

const simulator = useSimulator();

describe('the dialog files', () => {
  it('cover both locales and every situation the issue names', () => {
    for (const locale of ['en-US', 'ja-JP']) {
      for (const name of [
        'launch',
        'one-shot',
        'note',
        'help',
        'stop',
        'fallback',
        'no-permission',
        'no-email',
        'mail-throttled',
        'limit-reached',
        'repeated-mail',
      ]) {
        expect(files).toContain(join(locale, `${name}.json`));
      }
    }
  });

  it.each(files)('%s meets its expectations', async (name) => {
    const file = readReplayFile(join(DIALOGS, name));
    // Each file is a person of its own: the skill counts mails by address too, and the files share
    // one simulator. The files themselves set no address, so simulate:cloud can replay them.
    const person = `taro.${name.replace(/\W+/g, '.')}@example.com`;
    const outcome = await replay(simulator(), { ...file, simulate: { email: person, ...file.simulate } });
    expect(outcome.failures).toEqual([]);
    const said = outcome.turns.filter((turn) => turn.user !== null).map((turn) => turn.user);
    expect(said).toEqual(file.userInput);
  });
});

describe('an expectation that is not met', () => {
  it('is reported with the turn, what Alexa said and what differs', async () => {
    const file = parseReplayFile(
      {
        skillId: LOCAL_SKILL_ID,
        locale: 'en-US',
        type: 'text',
        userInput: ['open mail sender', 'send me an email'],
        expect: [
          { speech: '^Welcome', sessionEnded: true },
          { speech: '^Goodbye', card: null, mails: 2 },
        ],
      },
      'inline.json',
    );
    const outcome = await replay(simulator(), file);
    expect(outcome.failures).toEqual([
      'turn 1 ("open mail sender"): the session stayed open, expected it to end',
      expect.stringMatching(
        /^turn 2 \("send me an email"\): Alexa said "Done\. I sent an email .*", which does not match \/\^Goodbye\/$/,
      ),
      'turn 2 ("send me an email"): a Simple card was sent, expected no card',
      'turn 2 ("send me an email"): 1 mail(s) were sent, expected 2',
    ]);
  });
});
