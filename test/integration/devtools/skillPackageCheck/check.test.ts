// The skill package against Amazon's schema (ask-smapi-model's spec.json) and the rules the
// schema cannot express: the real package passes; broken copies are each refused with a
// message that names the file and the problem.

import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { v1 } from 'ask-smapi-model';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSkillPackage } from '../../../../devtools/skillPackageCheck/check.ts';
import { invocationNameProblems } from '../../../../devtools/skillPackageCheck/invocationName.ts';
import { skillPackageReport } from '../../../../devtools/skillPackageCheck/report.ts';
import { PROJECT_ROOT } from '../../../../ops/paths.ts';

const run = promisify(execFile);
const SKILL_PACKAGE = join(PROJECT_ROOT, 'skill-package');
const EN = 'interactionModels/custom/en-US.json';
const JA = 'interactionModels/custom/ja-JP.json';

type Manifest = v1.skill.Manifest.SkillManifestEnvelope;
type LanguageModel = v1.skill.interactionModel.LanguageModel;
const copies: string[] = [];

/** A copy of skill-package/ with one file changed by `edit`; returns the copy's directory. */
async function brokenCopy<T>(file: string, edit: (json: T) => void): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'alexa-mailer-skill-package-')), 'skill-package');
  copies.push(dir);
  await cp(SKILL_PACKAGE, dir, { recursive: true });
  const json = JSON.parse(await readFile(join(dir, file), 'utf8')) as T;
  edit(json);
  await writeFile(join(dir, file), JSON.stringify(json, null, 2));
  return dir;
}

const editManifest = (edit: (manifest: Manifest) => void) => brokenCopy('skill.json', edit);
const editModel = (file: string, edit: (model: LanguageModel) => void) =>
  brokenCopy<v1.skill.interactionModel.InteractionModelData>(file, (json) => edit(json.interactionModel.languageModel));
const intent = (model: LanguageModel, name: string) => model.intents.find((candidate) => candidate.name === name)!;
const enUS = (manifest: Manifest) => manifest.manifest!.publishingInformation!.locales!['en-US']!;

afterAll(async () => {
  await Promise.all(copies.map((dir) => rm(join(dir, '..'), { recursive: true, force: true })));
});

describe('the real skill package', () => {
  it('passes Amazon’s schema and every rule', async () => {
    const result = await checkSkillPackage(SKILL_PACKAGE);
    expect(result.problems).toEqual([]);
    expect(result.files).toEqual(['skill-package/skill.json', `skill-package/${EN}`, `skill-package/${JA}`]);
  });

  // Printed by the command as skillPackageReport writes it; the command itself runs on a broken copy below.
  it('npm run check:skill-package says so and exits 0', () => {
    expect(skillPackageReport(SKILL_PACKAGE)).toEqual({
      stdout: `skill-package/skill.json, skill-package/${EN}, skill-package/${JA}: no problems.\n`,
      stderr: '',
      code: 0,
    });
  });
});

describe('broken copies, each refused with the file and the problem', () => {
  it('a misspelled permission, against the manifest schema, with the likely intended name', async () => {
    const dir = await editManifest((manifest) => {
      // Not a PermissionName, which is the point.
      manifest.manifest!.permissions![0]!.name = 'alexa::profile:emial:read' as v1.skill.Manifest.PermissionName;
    });
    expect((await checkSkillPackage(dir)).problems).toEqual([
      {
        file: join(dir, 'skill.json'),
        problem:
          'Does not match v1.skill.Manifest.SkillManifestEnvelope: /manifest/permissions/0/name: "alexa::profile:emial:read" is not one of the values Amazon\'s schema allows; did you mean "alexa::profile:email:read"?',
      },
    ]);
  });

  it('an interaction model that breaks the schema: an intent without a name', async () => {
    const dir = await editModel(EN, (model) => {
      delete (model.intents[1] as Partial<v1.skill.interactionModel.Intent>).name;
    });
    expect((await checkSkillPackage(dir)).problems).toContainEqual({
      file: join(dir, EN),
      problem:
        "Does not match v1.skill.interactionModel.InteractionModelData: /interactionModel/languageModel/intents/1 must have required property 'name'.",
    });
  });

  it('a sample utterance in two intents, whatever its case', async () => {
    const dir = await editModel(EN, (model) => {
      intent(model, 'AMAZON.HelpIntent').samples = ['Send me an email'];
    });
    expect((await checkSkillPackage(dir)).problems).toEqual([
      {
        file: join(dir, EN),
        problem:
          'The sample "Send me an email" is in both SendEmailIntent and AMAZON.HelpIntent: Alexa could send either.',
      },
    ]);
  });

  it('a slot used in a sample but not declared', async () => {
    const dir = await editModel(EN, (model) => {
      intent(model, 'SendEmailIntent').samples!.push('send me an email about {topic}');
    });
    expect((await checkSkillPackage(dir)).problems).toEqual([
      {
        file: join(dir, EN),
        problem:
          'The sample "send me an email about {topic}" of SendEmailIntent uses the slot {topic}, which SendEmailIntent does not declare.',
      },
    ]);
  });

  it('an invocation name with the wake word "alexa"', async () => {
    const dir = await editModel(EN, (model) => {
      model.invocationName = 'alexa mail sender';
    });
    const { problems } = await checkSkillPackage(dir);
    expect(problems).toContainEqual({
      file: join(dir, EN),
      problem: 'The invocation name "alexa mail sender" may not contain a wake word: "alexa".',
    });
  });

  it('a Japanese invocation name with a launch phrase', async () => {
    const dir = await editModel(JA, (model) => {
      model.invocationName = 'メールを開いて';
    });
    expect((await checkSkillPackage(dir)).problems).toContainEqual({
      file: join(dir, JA),
      problem: 'The invocation name "メールを開いて" may not contain a launch phrase: "開いて".',
    });
  });

  it('an intent that one locale has and the other has not', async () => {
    const dir = await editModel(JA, (model) => {
      model.intents = model.intents.filter((candidate) => candidate.name !== 'AMAZON.NavigateHomeIntent');
    });
    expect((await checkSkillPackage(dir)).problems).toEqual([
      { file: join(dir, JA), problem: 'The built-in intent AMAZON.NavigateHomeIntent is missing.' },
      {
        file: join(dir, JA),
        problem:
          'AMAZON.NavigateHomeIntent is missing, but en-US.json has it: every locale must offer the same intents.',
      },
    ]);
  });

  it('an example phrase that the interaction model does not resolve to the skill', async () => {
    const dir = await editManifest((manifest) => {
      enUS(manifest).examplePhrases![2] = 'Alexa, ask mail sender to order a pizza';
    });
    expect((await checkSkillPackage(dir)).problems).toEqual([
      {
        file: join(dir, 'skill.json'),
        problem: `The en-US example phrase "Alexa, ask mail sender to order a pizza" does not reach the skill: ${join(dir, EN)} resolves it to AMAZON.FallbackIntent (one-shot).`,
      },
    ]);
  });

  it('a Japanese example phrase without the wake word that does not reach the skill', async () => {
    const dir = await editManifest((manifest) => {
      manifest.manifest!.publishingInformation!.locales!['ja-JP']!.examplePhrases![0] = 'ピザを注文して';
    });
    expect((await checkSkillPackage(dir)).problems).toEqual([
      {
        file: join(dir, 'skill.json'),
        problem: 'The first ja-JP example phrase "ピザを注文して" must start with the wake word (アレクサ).',
      },
      {
        file: join(dir, 'skill.json'),
        problem: `The ja-JP example phrase "ピザを注文して" does not reach the skill: by ${join(dir, JA)} it names neither the skill nor one of its samples.`,
      },
    ]);
  });

  it('a published locale without an interaction model', async () => {
    const dir = await editManifest((manifest) => {
      manifest.manifest!.publishingInformation!.locales!['en-GB'] = { ...enUS(manifest) };
    });
    expect((await checkSkillPackage(dir)).problems).toEqual([
      {
        file: join(dir, 'skill.json'),
        problem: 'The locale en-GB is published, but there is no interactionModels/custom/en-GB.json.',
      },
    ]);
  });

  it('npm run check:skill-package prints "FILE: problem" lines and one sentence, and exits 1', async () => {
    const dir = await editModel(EN, (model) => {
      model.invocationName = 'alexa mail sender';
    });
    const failure = await run('npm', ['run', '-s', 'check:skill-package', '--', '--dir', dir], {
      cwd: PROJECT_ROOT,
    }).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure.code).toBe(1);
    expect(failure.stdout).toContain(
      `${join(dir, EN)}: The invocation name "alexa mail sender" may not contain a wake word: "alexa".\n`,
    );
    expect(failure.stderr.trim()).toMatch(/^The skill package has \d+ problems?; fix (it|them) before `ask deploy`\.$/);
  });
});

describe('invocation name rules', () => {
  it.each([
    ['en-US', 'mail sender'],
    ['en-US', "sam's science trivia"],
    ['en-US', 'a. b. c. news'],
    ['ja-JP', 'メールセンダー'],
    ['ja-JP', '十二星座占い'],
    ['ja-JP', 'ひらがな と カタカナ'],
  ])('accepts %s "%s"', (locale, name) => {
    expect(invocationNameProblems(locale, name)).toEqual([]);
  });

  it.each([
    [
      'en-US',
      'Mail Sender',
      'may contain only lower-case letters, spaces, apostrophes and periods (spell numbers out); it contains "M", "S"',
    ],
    [
      'en-US',
      'mail sender 2',
      'may contain only lower-case letters, spaces, apostrophes and periods (spell numbers out); it contains "2"',
    ],
    ['en-US', 'mailsender', 'must be at least two words'],
    ['en-US', 'the mailer', 'of two words may not use an article or preposition such as "the"'],
    ['en-US', 'open mail sender', 'may not contain a launch phrase: "open"'],
    ['en-US', 'talk to mail sender', 'may not contain a launch phrase: "talk to"'],
    ['en-US', 'echo mail sender', 'may not contain a wake word: "echo"'],
    ['en-US', 'amazon mail sender', 'may not contain a wake word: "amazon"'],
    ['en-US', 'computer mail sender', 'may not contain a wake word: "computer"'],
    ['en-US', 'mail sender skill', 'may not contain the word "skill"'],
    [
      'ja-JP',
      'メール2号',
      'may contain only hiragana, katakana, kanji, lower-case letters and spaces (write numbers out, 二十一); it contains "2"',
    ],
    ['ja-JP', 'メールを起動して', 'may not contain a launch phrase: "起動して"'],
    ['ja-JP', 'アレクサメール', 'may not contain a wake word: "アレクサ"'],
    ['ja-JP', 'コンピューターメール', 'may not contain a wake word: "コンピューター"'],
    ['ja-JP', 'メールアプリ', 'may not contain the word "アプリ"'],
  ])('refuses %s "%s": %s', (locale, name, problem) => {
    expect(invocationNameProblems(locale, name)).toContain(`The invocation name "${name}" ${problem}.`);
  });
});
