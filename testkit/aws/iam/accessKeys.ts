// IAM actions on a user's access keys, including when each key last signed a request.

import { AwsError, type QueryActions } from '../protocol.ts';
import type { FakeIam } from './state.ts';

export const ACCESS_KEY_ACTIONS: QueryActions<FakeIam> = {
  CreateAccessKey: (iam, params) => {
    const user = iam.user(params.required('UserName'));
    const key = iam.addAccessKey(user.name);
    return {
      AccessKey: {
        UserName: user.name,
        AccessKeyId: key.accessKeyId,
        Status: key.status,
        SecretAccessKey: key.secretAccessKey,
        CreateDate: key.createDate,
      },
    };
  },

  ListAccessKeys: (iam, params) => {
    const user = iam.user(params.required('UserName'));
    return {
      AccessKeyMetadata: user.accessKeys.map((key) => ({
        UserName: user.name,
        AccessKeyId: key.accessKeyId,
        Status: key.status,
        CreateDate: key.createDate,
      })),
      IsTruncated: false,
    };
  },

  UpdateAccessKey: (iam, params) => {
    const key = iam.accessKey(params.required('UserName'), params.required('AccessKeyId'));
    const status = params.required('Status');
    if (status !== 'Active' && status !== 'Inactive')
      throw new AwsError(
        'ValidationError',
        `1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`,
      );
    key.status = status;
    return {};
  },

  DeleteAccessKey: (iam, params) => {
    const user = iam.user(params.required('UserName'));
    const key = iam.accessKey(user.name, params.required('AccessKeyId'));
    user.accessKeys.splice(user.accessKeys.indexOf(key), 1);
    return {};
  },

  GetAccessKeyLastUsed: (iam, params) => {
    const accessKeyId = params.required('AccessKeyId');
    const found = iam.findAccessKey(accessKeyId);
    if (!found) throw new AwsError('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found`, 404);
    const use = found.key.lastUsed;
    // A key that never signed a request has no LastUsedDate, and "N/A" for the other two.
    return {
      UserName: found.user.name,
      AccessKeyLastUsed: use
        ? { LastUsedDate: use.date, ServiceName: use.service, Region: use.region }
        : { ServiceName: 'N/A', Region: 'N/A' },
    };
  },
};
