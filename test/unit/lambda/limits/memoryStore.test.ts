// The count in a container's memory: bounded, forgetting the stalest key, and giving back only what it should.

import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../../../lambda/limits/memoryStore.ts';
import type { Reservation } from '../../../../lambda/limits/store.ts';
import { reservationAt } from '../../../helpers/reservations.ts';

const NOON = Date.UTC(2026, 10, 30, 12);

describe('the memory store', () => {
  const signal = new AbortController().signal;
  const forUser = (key: string, at: number, fingerprint: string) => reservationAt(at, fingerprint, key);

  it('forgets the user not seen for longest past its bound, and only that one', async () => {
    const store = memoryStore(2);
    await store.reserve(forUser('first', NOON, 'a'), 1, signal);
    await store.reserve(forUser('second', NOON, 'a'), 1, signal);
    expect(await store.reserve(forUser('first', NOON + 1, 'b'), 1, signal)).toEqual({ kind: 'daily-limit' });
    await store.reserve(forUser('third', NOON, 'a'), 1, signal);

    // "second" was the stalest ("first" was heard from again, if only to be refused): its count is gone.
    expect(await store.reserve(forUser('first', NOON + 2, 'c'), 1, signal)).toEqual({ kind: 'daily-limit' });
    expect(await store.reserve(forUser('second', NOON + 2, 'b'), 1, signal)).toEqual({ kind: 'allowed' });
  });

  it('gives back only the reservation that is still the last one', async () => {
    const store = memoryStore();
    const first = forUser('user', NOON, 'a');
    const second = forUser('user', NOON + 1, 'b');
    await store.reserve(first, 2, signal);
    await store.reserve(second, 2, signal);

    expect(await store.release(first, signal)).toBe('superseded');
    expect(await store.release(second, signal)).toBe('released');
    expect(await store.reserve(forUser('user', NOON + 2, 'b'), 2, signal)).toEqual({ kind: 'allowed' });
    expect(await store.reserve(forUser('user', NOON + 3, 'c'), 2, signal)).toEqual({ kind: 'daily-limit' });
  });

  it('gives back a count-only reservation while the day holds it, and never below zero', async () => {
    const store = memoryStore();
    const counted: Reservation = { ...forUser('recipient-a', NOON, 'a'), fingerprint: undefined };
    await store.reserve(counted, 1, signal);
    expect(await store.reserve({ ...counted, at: NOON + 1 }, 1, signal)).toEqual({ kind: 'daily-limit' });

    expect(await store.release(counted, signal)).toBe('released');
    expect(await store.release(counted, signal)).toBe('superseded');
    expect(await store.reserve({ ...counted, at: NOON + 2 }, 1, signal)).toEqual({ kind: 'allowed' });
  });
});
