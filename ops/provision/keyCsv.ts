// Reads the access key CSV file the IAM console lets its user download once, in both layouts it has
// produced: "Access key ID,Secret access key" and the older "User name,Password,Access key ID,...".

import { readFile } from 'node:fs/promises';
import { shownPath } from '../paths.ts';
import { ProvisionError } from './errors.ts';

export interface KeyFromCsv {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The older layout names the user the key was made for. */
  readonly userName?: string;
}

/** One CSV line as RFC 4180 reads it; undefined when its quotes do not close. */
function fieldsOf(line: string): string[] | undefined {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const character = line[index];
    if (quoted) {
      if (character === '"' && line[index + 1] === '"') {
        field += '"';
        index++;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"' && field === '') quoted = true;
    else if (character === ',') {
      fields.push(field);
      field = '';
    } else field += character;
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields.map((value) => value.trim());
}

const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
const SECRET = /^[A-Za-z0-9/+=]{16,128}$/;

/** The key of an IAM console CSV text; throws one sentence (never holding the secret) when it is not one. */
export function parseKeyCsv(text: string, shownFile: string): KeyFromCsv {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const header = fieldsOf(lines[0] ?? '')?.map((name) => name.toLowerCase());
  const notOne = `${shownFile} is not an access key file as the IAM console downloads it (a header "Access key ID,Secret access key", then one line)`;
  const idColumn = header?.indexOf('access key id') ?? -1;
  const secretColumn = header?.indexOf('secret access key') ?? -1;
  if (!header || idColumn < 0 || secretColumn < 0) throw new ProvisionError(`${notOne}.`);
  if (lines.length !== 2) throw new ProvisionError(`${notOne}: it has ${lines.length - 1} lines after the header.`);
  const row = fieldsOf(lines[1] ?? '');
  if (!row || row.length !== header.length)
    throw new ProvisionError(`${notOne}: its line does not have the header's ${header.length} columns.`);
  const accessKeyId = row[idColumn] ?? '';
  const secretAccessKey = row[secretColumn] ?? '';
  if (!ACCESS_KEY_ID.test(accessKeyId)) throw new ProvisionError(`${notOne}: its access key ID is not one.`);
  if (!SECRET.test(secretAccessKey)) throw new ProvisionError(`${notOne}: its secret access key is not one.`);
  const userColumn = header.indexOf('user name');
  const userName = userColumn >= 0 ? row[userColumn] : undefined;
  return { accessKeyId, secretAccessKey, ...(userName ? { userName } : {}) };
}

export async function readKeyCsv(path: string): Promise<KeyFromCsv> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ProvisionError(`Could not read ${shownPath(path)} (${error.code ?? 'read failed'}).`);
  });
  return parseKeyCsv(text, shownPath(path));
}
