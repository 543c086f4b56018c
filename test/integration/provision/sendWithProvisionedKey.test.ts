// The "Done when" of provisioning, end to end: the key the command writes is the key the
// built skill sends mail with. Provision against the in-memory IAM/SES/STS, load the
// credentials file into the environment as the deployed Lambda gets it, point SES at the
// SES stand-in (which honours exactly the keys the fake IAM issued, and notes which one signed
// each request), and ask the bundled handler to "send me an email".

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCredentialsFile } from '../../../ops/credentialsFile.ts';
import { type FakeAws, startFakeAws } from '../../../testkit/aws/server.ts';
import { type SesStandIn, startSesStandIn } from '../../../testkit/aws/ses/standIn.ts';
import { loadBundledHandler, spokenText } from '../../../testkit/bundle.ts';
import { intentRequest, LOCAL_SKILL_ID } from '../../../testkit/envelopes.ts';
import { LOOPBACK_ORIGIN } from '../../../testkit/loopback.ts';
import { type ProfileApi, startProfileApi } from '../../../testkit/profileApi.ts';
import { copySkillBundle } from '../../helpers/localSkill.ts';
import { runProvisionCommand, setAwsEnvironment } from '../../helpers/provisionHarness.ts';

const SENDER = 'skill-sender@example.com';
const ACCOUNT_HOLDER = 'holder@example.org';

let fake: FakeAws;
let ses: SesStandIn;
let profile: ProfileApi;
let folder: string;
let restore: () => void = () => {};
const skillVariables = ['SES_ACCESS_KEY_ID', 'SES_SECRET_ACCESS_KEY', 'SES_REGION', 'SES_FROM_ADDRESS'] as const;
// What the deploy build embeds beside the file's variables, and the loopback origin of the local profile API.
const deployVariables = { SKILL_ID: LOCAL_SKILL_ID, ALEXA_API_ENDPOINTS: LOOPBACK_ORIGIN };

beforeAll(async () => {
  [fake, profile] = await Promise.all([startFakeAws(), startProfileApi({ email: ACCOUNT_HOLDER, givenName: 'Alex' })]);
  ses = await startSesStandIn({ keys: fake.secretOf });
  folder = await mkdtemp(join(tmpdir(), 'provisioned-skill-'));
});

afterAll(async () => {
  restore();
  for (const name of [...skillVariables, ...Object.keys(deployVariables)]) delete process.env[name];
  await Promise.all([fake.close(), ses.close(), profile.close()]);
  await rm(folder, { recursive: true, force: true });
});

describe('the provisioned key', () => {
  it("is the key the built skill sends the account holder's mail with", async () => {
    const outFile = join(folder, '.secrets', 'AlexaSkillMailSender.json');
    restore = setAwsEnvironment(fake.env(), folder);
    const provisioned = await runProvisionCommand(fake, ['--from', SENDER, '--out', outFile]);
    expect(provisioned.code).toBe(0);
    const issuedKey = fake.iam.users.get('AlexaSkillMailSender')?.accessKeys[0]?.accessKeyId;

    // The Lambda's view: no administrator credentials, only the variables from the file.
    restore();
    restore = setAwsEnvironment({ AWS_ENDPOINT_URL_SES: ses.url }, folder);
    const credentials = await readCredentialsFile(outFile);
    for (const name of skillVariables) process.env[name] = credentials[name];
    Object.assign(process.env, deployVariables);
    const { outFile: bundle } = await copySkillBundle(join(folder, 'dist'));
    const handler = loadBundledHandler(bundle);

    const response = await handler(intentRequest('SendEmailIntent', {}, { apiEndpoint: profile.url }));

    expect(spokenText(response)).toBe('Done. I sent an email to your address that starts with h, at example.org.');
    const mails = await ses.mails();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ from: `Mail Sender <${SENDER}>`, destination: { to: [ACCOUNT_HOLDER] } });
    expect(ses.requests.map(({ accessKeyId, answer }) => ({ accessKeyId, answer }))).toEqual([
      { accessKeyId: issuedKey, answer: 200 },
    ]);
  });
});
