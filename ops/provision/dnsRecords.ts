// The DNS records a domain needs for SES (Easy DKIM's three CNAMEs, the TXT verification token
// while the domain is unverified) and the SPF and DMARC records we advise, as data (--json), as
// a table and as a zone-file snippet to paste. Advice stays commented out in the snippet: a
// name may hold one SPF and one DMARC record only, and this tool cannot see the ones a domain has.

export interface DnsRecord {
  readonly type: 'CNAME' | 'TXT' | 'MX';
  /** The full name, without the trailing dot. */
  readonly name: string;
  /** As it goes in the record: a TXT value in quotes, an MX value with its preference. */
  readonly value: string;
  /** required: SES needs it; optional: it helps but another record does the same; advice: ours, not SES's. */
  readonly need: 'required' | 'optional' | 'advice';
  readonly purpose: string;
}

interface DomainRecordsInput {
  readonly domain: string;
  readonly region: string;
  readonly dkimTokens: readonly string[];
  /** The TXT token, while the domain is not verified yet; absent once it is. */
  readonly verificationToken?: string | undefined;
}

/** A time to live short enough to correct a mistake within the hour. */
const TTL_SECONDS = 1800;

export function domainRecords({ domain, region, dkimTokens, verificationToken }: DomainRecordsInput): DnsRecord[] {
  const records: DnsRecord[] = dkimTokens.map((token) => ({
    type: 'CNAME',
    name: `${token}._domainkey.${domain}`,
    value: `${token}.dkim.amazonses.com`,
    need: 'required',
    purpose: 'Easy DKIM: SES signs your mail with this key, and finding it verifies the domain',
  }));
  if (verificationToken)
    records.push({
      type: 'TXT',
      name: `_amazonses.${domain}`,
      value: `"${verificationToken}"`,
      need: 'optional',
      purpose: 'verifies the domain too, while the DKIM records are not found yet',
    });
  // The subdomain we suggest as the custom MAIL FROM domain, which makes SPF align with the domain.
  const mailFrom = `bounce.${domain}`;
  records.push(
    {
      type: 'MX',
      name: mailFrom,
      value: `10 feedback-smtp.${region}.amazonses.com`,
      need: 'advice',
      purpose: `custom MAIL FROM (set ${mailFrom} as the identity's MAIL FROM domain in the SES console): bounces return here`,
    },
    {
      type: 'TXT',
      name: mailFrom,
      value: '"v=spf1 include:amazonses.com ~all"',
      need: 'advice',
      purpose: 'SPF for that MAIL FROM domain, so that SPF passes in your domain’s name (DMARC alignment)',
    },
    {
      type: 'TXT',
      name: `_dmarc.${domain}`,
      value: `"v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}"`,
      need: 'advice',
      purpose: 'DMARC, if the domain has none: refuses nothing, sends you daily reports; tighten p= later',
    },
  );
  return records;
}

function columns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}`.trimEnd())
    .join('\n');
}

/** The records as a table, SES's first, then our advice, with what each is for (said once for records that share it). */
export function recordsTable(domain: string, records: readonly DnsRecord[]): string {
  const rows = records.map((record, index) => [String(index + 1), record.need, record.type, record.name, record.value]);
  const purposes = new Map<string, number[]>();
  for (const [index, record] of records.entries())
    purposes.set(record.purpose, [...(purposes.get(record.purpose) ?? []), index + 1]);
  const notes = [...purposes].map(([purpose, numbers]) => `  ${numbers.join(', ')}: ${purpose}`).join('\n');
  return `DNS records for ${domain} (SES checks for up to 72 hours; run this command again to see the status):\n${columns([['#', 'Need', 'Type', 'Name', 'Value'], ...rows])}\n\nWhat they are for:\n${notes}`;
}

/** The records as zone-file lines to paste; the advice commented out, to be merged with the domain's own records. */
export function zoneSnippet(domain: string, records: readonly DnsRecord[]): string {
  const line = (record: DnsRecord) => {
    const value = record.type === 'CNAME' || record.type === 'MX' ? `${record.value}.` : record.value;
    return `${record.name}.\t${TTL_SECONDS}\tIN\t${record.type}\t${value}`;
  };
  const ses = records.filter((record) => record.need !== 'advice').map(line);
  const advice = records.filter((record) => record.need === 'advice').map((record) => `; ${line(record)}`);
  return [
    `; Zone-file lines for ${domain}, from npm run provision (Amazon SES, Easy DKIM):`,
    ...ses,
    ...(advice.length > 0
      ? [
          '; Advice: one SPF record per name and one DMARC record per domain: merge these with any you have, then uncomment:',
          ...advice,
        ]
      : []),
  ].join('\n');
}
