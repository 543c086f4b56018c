// The count in this container's memory: what the skill uses without MAIL_LIMIT_TABLE. Best
// effort, since each Lambda container counts alone, and bounded, so a flood of users cannot
// grow it without end: past the bound, the key not heard from for longest is forgotten.

import { judge, type KeyRecord, type LimitStore } from './store.ts';

interface StoredRecord extends KeyRecord {
  readonly day: string;
}

/** About 200 bytes each: 10,000 keys hold 2 MB of a 128 MB function. */
const MEMORY_STORE_MAX_KEYS = 10_000;

export function memoryStore(maxKeys: number = MEMORY_STORE_MAX_KEYS): LimitStore {
  // A Map iterates in insertion order: re-inserting on every write keeps the stalest key first.
  const records = new Map<string, StoredRecord>();
  const write = (key: string, record: StoredRecord) => {
    records.delete(key);
    records.set(key, record);
    if (records.size > maxKeys) {
      const stalest = records.keys().next().value;
      if (stalest !== undefined) records.delete(stalest);
    }
  };
  return {
    name: 'memory',
    // Synchronous from reading to writing: no other request of this container runs in between.
    async reserve(reservation, cap) {
      const stored = records.get(reservation.key);
      const record: StoredRecord =
        stored?.day === reservation.day
          ? stored
          : { day: reservation.day, mailsToday: 0, lastMail: stored?.lastMail, lastAt: stored?.lastAt };
      const judgement = judge(record, reservation, cap);
      // Written back even when refused: a key at the cap is the last one to forget.
      write(
        reservation.key,
        judgement.kind !== 'allowed'
          ? record
          : reservation.fingerprint === undefined
            ? { day: reservation.day, mailsToday: record.mailsToday + 1 }
            : {
                day: reservation.day,
                mailsToday: record.mailsToday + 1,
                lastMail: reservation.fingerprint,
                lastAt: reservation.at,
              },
      );
      return judgement;
    },
    async release(reservation) {
      const stored = records.get(reservation.key);
      if (!stored || stored.day !== reservation.day || stored.mailsToday === 0) return 'superseded';
      if (
        reservation.fingerprint !== undefined &&
        (stored.lastMail !== reservation.fingerprint || stored.lastAt !== reservation.at)
      )
        return 'superseded';
      write(reservation.key, { ...stored, mailsToday: stored.mailsToday - 1, lastMail: undefined, lastAt: undefined });
      return 'released';
    },
  };
}
