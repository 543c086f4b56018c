// `npm run provision`: the AlexaSkillMailSender user, the AlexaSkillMailAccess policy and
// its access key, in one command that is safe to run again. See cli.ts, or --help.

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
