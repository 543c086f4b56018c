// The mailbox providers' own domains (free mail, carrier mail): a sender at one of them cannot pass
// the provider's DMARC check when SES sends its mail, so provisioning warns about it. The one list.

/** Lower case, exact, by provider. */
const PROVIDERS: Readonly<Record<string, string>> = {
  Google: 'gmail.com googlemail.com',
  Yahoo: 'yahoo.com yahoo.co.jp yahoo.co.uk yahoo.fr yahoo.de ymail.com rocketmail.com',
  Microsoft: 'outlook.com outlook.jp hotmail.com hotmail.co.jp hotmail.co.uk live.com live.jp msn.com',
  Apple: 'icloud.com me.com mac.com',
  AOL: 'aol.com aim.com',
  'others with a large share':
    'gmx.com gmx.de gmx.net web.de mail.com proton.me protonmail.com zoho.com yandex.com yandex.ru mail.ru qq.com 163.com naver.com',
  'Japanese carriers and providers':
    'docomo.ne.jp ezweb.ne.jp au.com softbank.ne.jp i.softbank.jp disney.ne.jp ymobile.ne.jp rakuten.jp nifty.com',
};

const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set(
  Object.values(PROVIDERS).flatMap((domains) => domains.split(' ')),
);

/** Whether SES mail from an address at `domain` fails its provider's DMARC check (exact domains: a company's subdomain is not the provider's). */
export function isFreeMailDomain(domain: string): boolean {
  return FREE_MAIL_DOMAINS.has(domain.toLowerCase().replace(/\.$/, ''));
}
