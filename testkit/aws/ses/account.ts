// SES actions on the account of a region: its sending quota and whether it may send at all.

import type { QueryActions } from '../protocol.ts';
import type { FakeSes } from './state.ts';

export const ACCOUNT_ACTIONS: QueryActions<FakeSes> = {
  GetSendQuota: (ses, _params, { region }) => {
    const quota = ses.quota(region);
    return {
      Max24HourSend: quota.max24HourSend.toFixed(1),
      MaxSendRate: quota.maxSendRate.toFixed(1),
      SentLast24Hours: quota.sentLast24Hours.toFixed(1),
    };
  },

  GetAccountSendingEnabled: (ses, _params, { region }) => ({ Enabled: ses.region(region).sendingEnabled }),
};
