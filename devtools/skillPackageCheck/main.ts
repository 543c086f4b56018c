// `npm run check:skill-package`: checks skill-package/ against Amazon's schema and the rules
// the schema cannot express, printing each problem as "FILE: problem"; exit 1 when any.

import { resolve } from 'node:path';
import { parseCommandLine, runCommand } from '../../ops/cli.ts';
import { SKILL_PACKAGE_DIR, shownPath } from '../../ops/paths.ts';
import { skillPackageReport } from './report.ts';

const USAGE = `Usage: npm run check:skill-package [-- --dir DIR]

Checks the ASK CLI skill package (skill.json and interactionModels/custom/*.json):
  - against Amazon's schema for them, the Swagger document of the ask-smapi-model package
    (v1.skill.Manifest.SkillManifestEnvelope, v1.skill.interactionModel.InteractionModelData);
  - the invocation name rules for each language;
  - no sample utterance in two intents, every slot used in a sample declared, slot types
    defined, the required built-in intents present, the same intents in every locale;
  - every example phrase of the manifest reaches the skill (through the dialog simulator's
    matcher, from the interaction model itself).
Prints one line per problem, "FILE: problem", and exits 1 when there is any.

Options:
  --dir DIR   the skill package to check (default: skill-package)
  -h, --help  show this help`;

runCommand(USAGE, 'The skill package check could not run', async () => {
  const parsed = parseCommandLine(USAGE, { dir: { type: 'string' } });
  if (!parsed) return 0;
  const dir = parsed.values.dir ? resolve(parsed.values.dir) : SKILL_PACKAGE_DIR;
  process.stdout.write(
    `Checking ${shownPath(dir)} against Amazon's schema (ask-smapi-model) and the skill package rules…\n`,
  );
  const report = skillPackageReport(dir);
  process.stdout.write(report.stdout);
  process.stderr.write(report.stderr);
  return report.code;
});
