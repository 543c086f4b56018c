// `npm run provision`: everything the skill needs in an AWS account (IAM user, policies and key,
// SES identities, configuration set, limit table), safe to run again; also --teardown and
// --retire-old-key. Read (state.ts) → plan (plan.ts) → print or apply; see cli.ts, or --help.

import { maskAddressesIn } from '../../lambda/log.ts';
import { runCli } from './cli.ts';

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdin: process.stdin,
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Provisioning failed unexpectedly: ${maskAddressesIn((error as Error).message)}\n`);
    process.exit(1);
  },
);
