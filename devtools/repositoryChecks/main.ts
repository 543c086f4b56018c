// The checks of what the repository ships and holds, as one command: npm advisories and licenses of
// the dependencies, and credentials committed. `npm run check:audit|check:licenses|check:secrets` name the check.

import { resolve } from 'node:path';
import { parseCommandLine, runCommand, UsageError } from '../../ops/cli.ts';
import { PROJECT_ROOT } from '../../ops/paths.ts';
import { ALLOWED_LICENSES, checkBundleLicenses } from './licenses.ts';
import { AUDIT_ARGS, runNpmAudit } from './npmAudit.ts';
import { describeFinding, scanProjectForSecrets } from './secretScan.ts';

const USAGE = `Usage: npm run check:licenses | check:secrets | check:audit [-- options]

Checks:
  check:licenses  build the Lambda bundle and check the declared license of every npm package
                  whose files went into it (allowed: ${ALLOWED_LICENSES.join(', ')})
  check:secrets   scan every file git would commit (tracked, and new files not ignored),
                  the files inside any archive, and every line the branch's commits added
                  (\`git log -p\`) for AWS access keys, secret keys and private keys; any
                  committed archive (zip, tar, gzip) fails the check by itself
  check:audit     run \`npm ${AUDIT_ARGS.join(' ')}\` and fail on any high or critical
                  advisory in the production dependencies

Options:
  --dir DIR             check:secrets: the git repository to scan (default: this project)
  --require-advisories  check:audit: also fail when the registry offers no advisory endpoint
  -h, --help            show this help

Exit codes: 0 passed, 1 failed, 2 usage error.`;

const say = (line: string) => process.stdout.write(`${line}\n`);

async function licenses(): Promise<number> {
  say('Building the Lambda bundle and reading its metafile…');
  const verdicts = await checkBundleLicenses();
  for (const verdict of verdicts) {
    say(
      `  ${verdict.allowed ? 'ok     ' : 'REFUSED'} ${verdict.name}@${verdict.version}  ${verdict.license ?? '(none)'}${verdict.reason ? `  — ${verdict.reason}` : ''}`,
    );
  }
  const refused = verdicts.filter((verdict) => !verdict.allowed);
  if (refused.length > 0) {
    say(
      `License check failed: ${refused.length} of ${verdicts.length} bundled packages are not permissively licensed (${refused.map((v) => v.name).join(', ')}).`,
    );
    return 1;
  }
  say(`License check passed: all ${verdicts.length} packages in the Lambda bundle are permissively licensed.`);
  return 0;
}

async function secrets(root: string): Promise<number> {
  say('Scanning every file git would commit, and the history of this branch, for credentials and archives…');
  const { filesScanned, commitsScanned, findings } = await scanProjectForSecrets(root);
  for (const finding of findings) say(`  ${describeFinding(finding)}`);
  const scanned = `${filesScanned} files and ${commitsScanned} commits`;
  if (findings.length > 0) {
    say(
      `Secret scan failed: ${findings.length} finding(s) in ${scanned}; remove them from the files and from the git history (a key that was ever pushed must also be deactivated); tests use placeholders that are not shaped like keys.`,
    );
    return 1;
  }
  say(`Secret scan passed: no credential and no archive in ${scanned}.`);
  return 0;
}

async function npmAudit(requireAdvisories: boolean): Promise<number> {
  say(`Running npm ${AUDIT_ARGS.join(' ')}…`);
  const verdict = await runNpmAudit(PROJECT_ROOT);
  switch (verdict.kind) {
    case 'clean':
      say(
        `npm audit passed: no high or critical advisory in the production dependencies (${Object.entries(verdict.counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}).`,
      );
      return 0;
    case 'vulnerable':
      for (const advisory of verdict.blocking)
        say(`  ${advisory.severity.toUpperCase()} ${advisory.name}: ${advisory.via.join('; ')}`);
      say(
        `npm audit failed: ${verdict.blocking.length} production package(s) with a high or critical advisory; run \`npm audit --omit=dev\` for the fixes.`,
      );
      return 1;
    case 'no-advisory-endpoint':
      if (requireAdvisories) {
        say(`npm audit failed: the registry offers no advisory endpoint (${verdict.detail}).`);
        return 1;
      }
      say(
        `WARNING: npm audit checked nothing: the registry offers no advisory endpoint (${verdict.detail}). Run it against a registry that does, or pass --require-advisories to make this fatal.`,
      );
      return 0;
    case 'error':
      say(`npm audit failed to run: ${verdict.detail}.`);
      return 1;
  }
}

runCommand(USAGE, 'Audit failed', async () => {
  const parsed = parseCommandLine(USAGE, {
    dir: { type: 'string' },
    'require-advisories': { type: 'boolean', default: false },
  });
  if (!parsed) return 0;
  const [check, ...extra] = parsed.positionals;
  if (extra.length > 0) throw new UsageError(`one check at a time, not ${parsed.positionals.join(' ')}`);
  switch (check) {
    case 'licenses':
      return licenses();
    case 'secrets':
      return secrets(parsed.values.dir ? resolve(parsed.values.dir) : PROJECT_ROOT);
    case 'npm-audit':
      return npmAudit(parsed.values['require-advisories'] === true);
    default:
      throw new UsageError(check ? `unknown check "${check}"` : 'name a check: licenses, secrets or npm-audit');
  }
});
