// The limit table's shape and the item calls the skill makes on it: one source for the skill
// that writes it (dynamoDbStore.ts) and for the provisioning that creates it and grants them.

/** The partition key: a hash of the Alexa user ID or of the recipient address (never either itself), or the account's one key. */
export const LIMIT_TABLE_KEY = 'userKey';
/** Epoch seconds after which the row no longer matters; DynamoDB's TTL deletes it some time later. */
export const LIMIT_TABLE_TTL_ATTRIBUTE = 'expiresAt';
/** UpdateItem reserves a mail or gives it back; GetItem reads why a reservation was refused. */
export const LIMIT_TABLE_ACTIONS = ['dynamodb:UpdateItem', 'dynamodb:GetItem'] as const;

/** The table as provisioning creates it: the hashed key as the only key, paid per request. */
export function limitTableDefinition(name: string) {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: LIMIT_TABLE_KEY, KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: LIMIT_TABLE_KEY, AttributeType: 'S' }],
  } as const;
}
