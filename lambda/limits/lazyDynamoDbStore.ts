// The limit table as the limiter holds it from cold start: a stand-in that loads the DynamoDB
// store (dynamoDbStore.ts, with the DynamoDB client) on the first send that asks it. The one
// lazily loaded entry of the limits: no other request, and no skill without a table, loads it.

import { loadOnce } from '../loadOnce.ts';
import type { DynamoDbStoreConfig } from './dynamoDbStore.ts';
import type { LimitStore } from './store.ts';

export function lazyDynamoDbStore(config: DynamoDbStoreConfig): LimitStore {
  const loaded = loadOnce(() => import('./dynamoDbStore.ts').then((module) => module.dynamoDbStore(config)));
  return {
    name: 'dynamodb',
    reserve: async (reservation, cap, signal) => (await loaded()).reserve(reservation, cap, signal),
    release: async (reservation, signal) => (await loaded()).release(reservation, signal),
  };
}
