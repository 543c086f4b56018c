// What `npm run check:skill-package` prints once a skill package is checked, and the exit code
// it ends with: one "FILE: problem" line per problem, or one line saying there is none.

import { checkSkillPackage } from './check.ts';

export interface SkillPackageReport {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: 0 | 1;
}

export function skillPackageReport(dir: string): SkillPackageReport {
  const { files, problems } = checkSkillPackage(dir);
  if (problems.length === 0) return { stdout: `${files.join(', ')}: no problems.\n`, stderr: '', code: 0 };
  const count = problems.length;
  return {
    stdout: problems.map(({ file, problem }) => `${file}: ${problem}\n`).join(''),
    stderr: `The skill package has ${count} problem${count === 1 ? '' : 's'}; fix ${count === 1 ? 'it' : 'them'} before \`ask deploy\`.\n`,
    code: 1,
  };
}
