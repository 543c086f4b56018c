// The count in this container's memory: what the skill uses without MAIL_LIMIT_TABLE. Best
// effort, since each Lambda container counts alone, and bounded, so a flood of users cannot
// grow it without end: past the bound, the user not heard from for longest is forgotten.

import { judge, type LimitStore, type UserRecord } from './store.ts';

interface StoredRecord extends UserRecord {
  readonly day: string;
}

/** About 200 bytes each: 10,000 users hold 2 MB of a 128 MB function. */
const MEMORY_STORE_MAX_USERS = 10_000;

export function memoryStore(maxUsers: number = MEMORY_STORE_MAX_USERS): LimitStore {
  // A Map iterates in insertion order: re-inserting on every write keeps the stalest user first.
  const records = new Map<string, StoredRecord>();
  const write = (userKey: string, record: StoredRecord) => {
    records.delete(userKey);
    records.set(userKey, record);
    if (records.size > maxUsers) {
      const stalest = records.keys().next().value;
      if (stalest !== undefined) records.delete(stalest);
    }
  };
  return {
    name: 'memory',
    // Synchronous from reading to writing: no other request of this container runs in between.
    async reserve(reservation, cap) {
      const stored = records.get(reservation.userKey);
      const record: StoredRecord =
        stored?.day === reservation.day
          ? stored
          : { day: reservation.day, mailsToday: 0, lastMail: stored?.lastMail, lastAt: stored?.lastAt };
      const judgement = judge(record, reservation, cap);
      // Written back even when refused: a user at the cap is the last one to forget.
      write(
        reservation.userKey,
        judgement.kind === 'allowed'
          ? {
              day: reservation.day,
              mailsToday: record.mailsToday + 1,
              lastMail: reservation.fingerprint,
              lastAt: reservation.at,
            }
          : record,
      );
      return judgement;
    },
    async release(reservation) {
      const stored = records.get(reservation.userKey);
      if (!stored || stored.lastMail !== reservation.fingerprint || stored.lastAt !== reservation.at)
        return 'superseded';
      write(reservation.userKey, { day: stored.day, mailsToday: Math.max(0, stored.mailsToday - 1) });
      return 'released';
    },
  };
}
