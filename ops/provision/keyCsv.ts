// Reads the access key CSV file the IAM console lets its user download once, in both layouts it has
// produced: "Access key ID,Secret access key" and the older "User name,Password,Access key ID,...".

import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { shownPath } from '../paths.ts';
import { ProvisionError } from './errors.ts';

export interface KeyFromCsv {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The older layout names the user the key was made for. */
  readonly userName?: string;
}

const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
const SECRET = /^[A-Za-z0-9/+=]{16,128}$/;

/** The lines of a CSV text as RFC 4180 reads them; `undefined` when it is not one (csv-parse's error may quote the secret). */
function csvLines(text: string): string[][] | undefined {
  try {
    return parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true });
  } catch {
    return undefined;
  }
}

/** The key of an IAM console CSV text; throws one sentence (never holding the secret) when it is not one. */
export function parseKeyCsv(text: string, shownFile: string): KeyFromCsv {
  const [header = [], ...rows] = csvLines(text) ?? [];
  const columns = header.map((name) => name.toLowerCase());
  const notOne = `${shownFile} is not an access key file as the IAM console downloads it (a header "Access key ID,Secret access key", then one line)`;
  const idColumn = columns.indexOf('access key id');
  const secretColumn = columns.indexOf('secret access key');
  if (idColumn < 0 || secretColumn < 0) throw new ProvisionError(`${notOne}.`);
  if (rows.length !== 1) throw new ProvisionError(`${notOne}: it has ${rows.length} lines after the header.`);
  const row = rows[0] ?? [];
  if (row.length !== columns.length)
    throw new ProvisionError(`${notOne}: its line does not have the header's ${columns.length} columns.`);
  const accessKeyId = row[idColumn] ?? '';
  const secretAccessKey = row[secretColumn] ?? '';
  if (!ACCESS_KEY_ID.test(accessKeyId)) throw new ProvisionError(`${notOne}: its access key ID is not one.`);
  if (!SECRET.test(secretAccessKey)) throw new ProvisionError(`${notOne}: its secret access key is not one.`);
  const userName = row[columns.indexOf('user name')];
  return { accessKeyId, secretAccessKey, ...(userName ? { userName } : {}) };
}

export async function readKeyCsv(path: string): Promise<KeyFromCsv> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ProvisionError(`Could not read ${shownPath(path)} (${error.code ?? 'read failed'}).`);
  });
  return parseKeyCsv(text, shownPath(path));
}
