// SES actions on identities: addresses verified by mail, domains by DNS (the TXT token of
// VerifyDomainIdentity, or Easy DKIM's three CNAMEs), and what SES says of each.

import { AwsError, type QueryActions, type QueryParams, XmlMap, type XmlValue } from '../protocol.ts';
import type { FakeSes } from './state.ts';

// SES's own check is looser than RFC 5322; these refuse what it refuses in practice.
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

function verifyEmail(ses: FakeSes, params: QueryParams, region: string): Record<string, XmlValue> {
  const address = params.required('EmailAddress');
  if (!EMAIL.test(address)) throw new AwsError('InvalidParameterValue', `Invalid email address<${address}>.`, 400);
  const identities = ses.identities(region);
  if (identities.get(address) !== 'Success') identities.set(address, 'Pending');
  ses.verificationMails.push({ region, address });
  return {};
}

function domainParameter(params: QueryParams): string {
  const domain = params.required('Domain');
  if (!DOMAIN.test(domain)) throw new AwsError('InvalidParameterValue', `Invalid domain name <${domain}>.`, 400);
  return domain;
}

/** A domain SES starts to verify is Pending until its DNS records are found (FakeSes.settleDkim or verify). */
function addDomain(ses: FakeSes, region: string, domain: string): void {
  const identities = ses.identities(region);
  if (!identities.has(domain)) identities.set(domain, 'Pending');
}

export const IDENTITY_ACTIONS: QueryActions<FakeSes> = {
  VerifyEmailIdentity: (ses, params, { region }) => verifyEmail(ses, params, region),
  VerifyEmailAddress: (ses, params, { region }) => verifyEmail(ses, params, region),

  VerifyDomainIdentity: (ses, params, { region }) => {
    const domain = domainParameter(params);
    addDomain(ses, region, domain);
    const tokens = ses.region(region).verificationTokens;
    let token = tokens.get(domain);
    if (!token) {
      token = Buffer.from(`${domain}:${region}:${tokens.size}`).toString('base64').replace(/=+$/, '');
      tokens.set(domain, token);
    }
    return { VerificationToken: token };
  },

  VerifyDomainDkim: (ses, params, { region }) => {
    const domain = domainParameter(params);
    // SES adds the domain as an identity too: Easy DKIM's records verify it without the TXT record.
    addDomain(ses, region, domain);
    return { DkimTokens: [...ses.enableDkim(region, domain).tokens] };
  },

  GetIdentityVerificationAttributes: (ses, params, { region }) => {
    const { identities, verificationTokens } = ses.region(region);
    const entries = params
      .list('Identities')
      .filter((identity) => identities.has(identity))
      .map((identity): [string, XmlValue] => [
        identity,
        { VerificationStatus: identities.get(identity), VerificationToken: verificationTokens.get(identity) },
      ]);
    return { VerificationAttributes: new XmlMap(entries) };
  },

  GetIdentityDkimAttributes: (ses, params, { region }) => {
    const { identities, dkim } = ses.region(region);
    const entries = params
      .list('Identities')
      .filter((identity) => identities.has(identity))
      .map((identity): [string, XmlValue] => {
        const own = dkim.get(identity);
        return [
          identity,
          own
            ? { DkimEnabled: own.enabled, DkimVerificationStatus: own.status, DkimTokens: [...own.tokens] }
            : { DkimEnabled: false, DkimVerificationStatus: 'NotStarted' },
        ];
      });
    return { DkimAttributes: new XmlMap(entries) };
  },

  ListIdentities: (ses, _params, { region }) => ({ Identities: [...ses.identities(region).keys()] }),

  DeleteIdentity: (ses, params, { region }) => {
    const identity = params.required('Identity');
    const state = ses.region(region);
    state.identities.delete(identity);
    state.verificationTokens.delete(identity);
    state.dkim.delete(identity);
    return {};
  },
};
