// `npm run hosted`: the skill as an Alexa-hosted skill's repository holds it, written into a new
// folder or into a clone of that repository (committed there, ready for `git push`).

import { resolve } from 'node:path';
import { ENV } from '../../lambda/config.ts';
import { parseCommandLine, runCommand, UsageError } from '../cli.ts';
import { credentialsFileFrom } from '../deploy/embeddedConfig.ts';
import { shownPath } from '../paths.ts';
import { askStatesFilesFor, gatherHostedConfig } from './config.ts';
import { exportInto, exportTo, HOSTED_BRANCH, pushClone } from './exportTree.ts';

const USAGE = `Usage: npm run hosted -- (--out DIR | --into DIR) [options]

Writes the skill for an Alexa-hosted (Node.js) skill: lambda/index.js, the whole skill in one
file that runs on Node.js 16 and every newer Node, lambda/package.json with nothing to install,
and skill-package/ (interaction models, and a manifest naming no endpoint: Amazon's Lambda serves
a hosted skill). The configuration is embedded from the provisioning output: the sender, the
SES region, the role the skill assumes in your account (no key), the configuration set and the
limit table. Step by step: docs/hosted.md (日本語: docs/ja/hosted.md).

Options:
  --out DIR                write the tree into DIR, a new or empty folder
  --into DIR               replace lambda/ and skill-package/ of the clone of the hosted
                           repository at DIR (npx ask init --hosted-skill-id ID) and commit
  --push                   with --into: then run git push origin ${HOSTED_BRANCH} (the development stage)
  --skill-id ID            the hosted skill's ID (default: DIR/.ask/ask-states.json with --into,
                           else .ask/ask-states.json)
  --credentials-file FILE  the provisioning output (default: .secrets/AlexaSkillMailSender.json,
                           or $ALEXA_MAILER_CREDENTIALS_FILE)
  --role-arn ARN           the role to assume, when the provisioning output records none
                           (\`npm run provision -- --hosted-role-arn ARN\` records it)
  --external-id ID         the external ID its trust policy asks for
  --embed-key              embed the AlexaSkillMailSender key instead of a role (not advised)
  -h, --help               show this help

The environment's ${ENV.mailLimitPerUserPerDay} sets the daily cap per user, and
${ENV.mailLimitPerDay} one on all users together.`;

const KEY_WARNING = `Warning: --embed-key writes the AlexaSkillMailSender access key into lambda/index.js. Once pushed,
it lives in Amazon's repository and in its history for good, readable by whoever can read the
code. The role (the default, without --embed-key) keeps no long-lived key anywhere: prefer it.
`;

runCommand(USAGE, 'The export failed', async () => {
  const parsed = parseCommandLine(USAGE, {
    out: { type: 'string' },
    into: { type: 'string' },
    push: { type: 'boolean', default: false },
    'skill-id': { type: 'string' },
    'credentials-file': { type: 'string' },
    'role-arn': { type: 'string' },
    'external-id': { type: 'string' },
    'embed-key': { type: 'boolean', default: false },
  });
  if (!parsed) return 0;
  const { values } = parsed;
  if (parsed.positionals.length > 0) throw new UsageError(`Unexpected argument "${parsed.positionals[0]}".`);
  if (Boolean(values.out) === Boolean(values.into)) throw new UsageError('Give one of --out DIR and --into DIR.');
  if (values.push && !values.into) throw new UsageError('--push goes with --into.');
  if (values['embed-key'] && (values['role-arn'] || values['external-id']))
    throw new UsageError('--embed-key embeds a key instead of a role: leave out --role-arn and --external-id.');
  const into = values.into ? resolve(values.into) : undefined;
  const out = values.out ? resolve(values.out) : undefined;

  if (values['embed-key']) process.stderr.write(KEY_WARNING);
  const config = await gatherHostedConfig({
    credentialsFile: values['credentials-file']
      ? resolve(values['credentials-file'])
      : credentialsFileFrom(process.env),
    roleArn: values['role-arn'],
    externalId: values['external-id'],
    embedKey: values['embed-key'],
    skillId: values['skill-id'] ?? process.env[ENV.skillId],
    askStatesFiles: askStatesFilesFor(into),
    perUserPerDay: process.env[ENV.mailLimitPerUserPerDay],
    perDay: process.env[ENV.mailLimitPerDay],
  });
  process.stdout.write(`Embedding:\n${config.summary.map((line) => `  ${line}`).join('\n')}\n`);

  if (out) {
    process.stdout.write(`Building lambda/index.js for Node.js 16 and later into ${shownPath(out)} …\n`);
    await exportTo(out, config.values);
    process.stdout.write(
      `Wrote ${shownPath(out)}/lambda/ and ${shownPath(out)}/skill-package/. Copy both into the hosted repository, or use --into with a clone of it.\n`,
    );
    return 0;
  }
  const clone = into as string;
  process.stdout.write(`Building lambda/index.js for Node.js 16 and later into ${shownPath(clone)} …\n`);
  const committed = await exportInto(clone, config.values);
  process.stdout.write(
    committed
      ? `Committed lambda/ and skill-package/ in ${shownPath(clone)}.\n`
      : `Nothing changed in ${shownPath(clone)}: the clone already holds this build.\n`,
  );
  if (values.push) {
    process.stdout.write(`Running git push origin ${HOSTED_BRANCH} …\n`);
    await pushClone(clone);
    process.stdout.write('Pushed: Amazon now deploys it to the development stage (the Code tab shows the progress).\n');
  } else {
    process.stdout.write(
      `To deploy it to the development stage, run:\n\n  cd ${clone} && git push origin ${HOSTED_BRANCH}\n`,
    );
  }
  return 0;
});
