// `npm run fake-aws`: the in-memory IAM/SES/SNS/STS stand-in (and DynamoDB's control plane) on its
// own, for trying `npm run provision` by hand with no AWS account.

import { DEFAULT_REGION } from '../lambda/config.ts';
import { parseCommandLine, runCommand, UsageError } from '../ops/cli.ts';
import { startFakeAws } from '../testkit/aws/server.ts';

const USAGE = `Usage: npm run fake-aws -- [--region REGION] [--verified IDENTITY]... [--production]

Starts the local IAM/SES/SNS/STS stand-in, with DynamoDB's control plane for --limit-table
(tables, Time to Live, tags; not their items), on a free loopback port and prints the variables
that point the AWS SDK (and so \`npm run provision\`) at it. It checks each request's
signature as AWS does: sign with the printed administrator key (a placeholder, not a
credential), with a key its IAM issued, or with a session's keys from its STS AssumeRole, which
it grants only as the role's trust policy allows (the external ID included).

Options:
  --region REGION      the SES region for --verified and --production (default: ${DEFAULT_REGION})
  --verified IDENTITY  an address or domain SES treats as verified already; repeatable
  --production         the account is out of the SES sandbox
  -h, --help           show this help`;

runCommand(USAGE, 'The local AWS stand-in failed', async () => {
  const parsed = parseCommandLine(USAGE, {
    region: { type: 'string', default: DEFAULT_REGION },
    verified: { type: 'string', multiple: true, default: [] },
    production: { type: 'boolean', default: false },
  });
  if (!parsed) return 0;
  const { values } = parsed;
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);

  const fake = await startFakeAws();
  for (const identity of values.verified) fake.ses.verify(values.region, identity);
  if (values.production) fake.ses.leaveSandbox(values.region);
  process.stdout.write(
    `Local IAM/SES/SNS/STS/DynamoDB stand-in listening on ${fake.url} (account ${fake.accountId}).\nIn another shell:\n\n`,
  );
  for (const [name, value] of Object.entries(fake.env())) process.stdout.write(`export ${name}=${value}\n`);
  process.stdout.write(`\nWhat the account holds: curl ${fake.url}/state\nPress Ctrl-C to stop.\n`);
  // Runs until stopped; its state is lost then.
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await fake.close();
  return 0;
});
