// What the provisioning report prints last: the one sentence, and where its `aws …` fixes can run.

import { describe, expect, it } from 'vitest';
import { Reporter } from '../../../../ops/provision/print.ts';

function report(run: (reporter: Reporter) => void): { stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const reporter = new Reporter(
    {
      write: (text) => {
        stdout += text;
      },
    },
    {
      write: (text) => {
        stderr += text;
      },
    },
    false,
  );
  run(reporter);
  return { stdout, stderr };
}

const CLOUDSHELL =
  'Every `aws` command this tool suggests also runs, as it is, in AWS CloudShell (the shell of the AWS console).';

describe('the end of a provisioning report', () => {
  it('says, beside a failure fixed with an `aws …` command, that it runs in AWS CloudShell', () => {
    const { stdout, stderr } = report((reporter) =>
      reporter.finish({
        ok: false,
        mode: 'provision',
        dryRun: false,
        region: 'us-east-1',
        error: 'Nothing was changed: remove it with `aws iam detach-user-policy --user-name AlexaSkillMailSender`.',
      }),
    );
    expect(stdout).toBe(`\n${CLOUDSHELL}\n`);
    // The error stream keeps its one sentence.
    expect(stderr).toBe(
      '\nNothing was changed: remove it with `aws iam detach-user-policy --user-name AlexaSkillMailSender`.\n',
    );
  });

  it('says so once after a step that advises an `aws …` command, though the run succeeded', () => {
    const { stdout } = report((reporter) => {
      reporter.step('access key', 'warning', 'delete it with `aws iam delete-access-key --access-key-id ID`');
      reporter.finish({ ok: true, mode: 'provision', dryRun: false, region: 'us-east-1', next: 'Next: deploy.' });
    });
    expect(stdout.endsWith(`Next: deploy.\n\n${CLOUDSHELL}\n`)).toBe(true);
    expect(stdout.split(CLOUDSHELL)).toHaveLength(2);
  });

  it('adds nothing when no fix is an `aws …` command', () => {
    const { stdout } = report((reporter) => {
      reporter.step('user', 'exists', 'AlexaSkillMailSender');
      reporter.finish({ ok: true, mode: 'provision', dryRun: false, region: 'us-east-1', next: 'Next: deploy.' });
    });
    expect(stdout).not.toContain('CloudShell');
  });
});
