// `npm run demo`: one local end-to-end run with no AWS account. Starts the local SES
// outbox and a local Customer Profile API, sends "send me an email" through the built
// Lambda handler, and prints Alexa's answer and the captured mail.

import { ensureLambdaBuilt } from './build/lambda.ts';
import { intentRequest } from './local/envelopes.ts';
import { loadBundledHandler, spokenText } from './local/lambdaProcess.ts';
import { startProfileApi } from './local/profileApi.ts';
import { startSesOutbox } from './local/sesOutbox.ts';
import { ENV } from '../lambda/config.ts';
import { parseCommandLine, runCommand } from './shared/cli.ts';

const USAGE = `Usage: npm run demo [-- options]

Sends one "send me an email" request through the built skill, against a local SES
outbox and a local Customer Profile API. Needs no AWS or Amazon account.

Options:
  --email ADDRESS  the simulated user's profile email (default: you@example.com)
  --locale LOCALE  en-US or ja-JP (default: en-US)
  --note TEXT      a dictated note, sent as an attachment through SendRawEmail
  --keep-open      keep the outbox running afterwards so you can open its page
  -h, --help       show this help`;

runCommand(USAGE, 'The demo failed', async () => {
  const parsed = parseCommandLine(USAGE, {
    email: { type: 'string', default: 'you@example.com' },
    locale: { type: 'string', default: 'en-US' },
    note: { type: 'string' },
    'keep-open': { type: 'boolean', default: false },
  });
  if (!parsed) return 0;
  const { values } = parsed;

  process.stdout.write('Starting the local SES outbox and Customer Profile API…\n');
  const outbox = await startSesOutbox();
  const profile = await startProfileApi({ email: values.email, givenName: 'Alex' });
  try {
    process.env.AWS_ENDPOINT_URL_SES = outbox.url;
    process.env[ENV.fromAddress] ??= 'skill@example.com';
    // The outbox accepts any signature; these are not real credentials.
    process.env[ENV.accessKeyId] ??= 'LOCAL-DEMO-KEY-ID';
    process.env[ENV.secretAccessKey] ??= 'local-demo-secret';
    process.env[ENV.region] ??= 'us-east-1';

    const { outFile, rebuilt } = await ensureLambdaBuilt();
    process.stdout.write(rebuilt ? `Built ${outFile}.\n` : `Using ${outFile}.\n`);
    const handler = loadBundledHandler(outFile);

    const utterance = values.note ? `send me an email saying ${values.note}` : 'send me an email';
    const slots: Record<string, string> = values.note ? { note: values.note } : {};
    const response = await handler(intentRequest('SendEmailIntent', slots, { locale: values.locale, apiEndpoint: profile.url }));
    process.stdout.write(`\nUser  > ${utterance}\nAlexa > ${spokenText(response)}\n`);
    for (const mail of await outbox.mails()) {
      process.stdout.write(`Email > to=${mail.destination.to.join(',')} subject="${mail.subject}"\n`);
      process.stdout.write(`\n${mail.body.text ?? ''}\n`);
    }
    process.stdout.write(`The local outbox shows every mail at ${outbox.url}\n`);
    if (values['keep-open']) {
      process.stdout.write('Press Ctrl-C to stop.\n');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
    return 0;
  } finally {
    await Promise.all([outbox.close(), profile.close()]);
  }
});

