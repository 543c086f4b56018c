// SES sending-authorization policies on the sender's address or domain are read on every run: one
// that lets AlexaSkillMailSender send as any address of the domain refuses the run before any
// change, naming the command that removes it; one that allows only what the tool grants is fine.

import { describe, expect, it } from 'vitest';
import { LOCAL_ACCOUNT_ID } from '../../../testkit/aws/server.ts';
import { statuses, useProvisionWorld } from '../../helpers/provisionHarness.ts';
import { sesSendingPolicy } from '../../helpers/sesSendingPolicy.ts';

const FROM = 'sender@example.com';
const USER_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/AlexaSkillMailSender`;
const DOMAIN_ARN = `arn:aws:ses:us-east-1:${LOCAL_ACCOUNT_ID}:identity/example.com`;

const sendingPolicy = (condition?: object) => JSON.stringify(sesSendingPolicy(USER_ARN, DOMAIN_ARN, condition));

describe("an SES identity policy on the sender's domain", () => {
  const world = useProvisionWorld();
  const putPolicy = (name: string, document: string) =>
    world.fake.ses.region('us-east-1').identityPolicies.set('example.com', new Map([[name, document]]));

  it('that lets the user send as any address of the domain refuses the run, dry or not, before any change', async () => {
    putPolicy('LetTheSkillSendAsAnyone', sendingPolicy());

    for (const dryRun of [['--dry-run'], []]) {
      const result = await world.run(['--from', FROM, '--out', world.outFile, ...dryRun]);

      expect(result.code).toBe(1);
      expect(statuses(result.stdout)['extra grant']).toBe('refused');
      expect(result.stdout).toContain(
        'the SES sending-authorization policy LetTheSkillSendAsAnyone of the identity example.com lets AlexaSkillMailSender (or anyone) send beyond ses:SendEmail and ses:SendRawEmail as the sender: remove it with `aws ses delete-identity-policy --identity example.com --policy-name LetTheSkillSendAsAnyone --region us-east-1`',
      );
      expect(result.stderr.trim()).toBe(
        'AlexaSkillMailSender could do more than send mail: one SES identity policy that this tool did not make (listed above) must go first, so no key was created and nothing was changed; remove it with the command shown, then run again.',
      );
      expect(world.fake.mutatingCalls()).toEqual([]);
    }
  });

  it('that allows the user only to send as the sender lets the run hand out its key', async () => {
    putPolicy('LetTheSkillSendAsItself', sendingPolicy({ StringEquals: { 'ses:FromAddress': FROM } }));

    const result = await world.run(['--from', FROM, '--out', world.outFile]);

    expect(result.code).toBe(0);
    expect(statuses(result.stdout)['access key']).toBe('created');
  });
});
