// What a month of the skill costs in Lambda at a memory size: x86 prices in us-east-1 as AWS's
// whitepaper "How AWS Pricing Works", section Lambda (docs.aws.amazon.com/whitepapers/latest/
// how-aws-pricing-works/lambda.html), gave them when read on 2026-11-30: $0.20 per million
// requests and $0.0000166667 per GB-second, the free tier (1 million requests and 400,000 GB-s a
// month) left out. Lambda's pricing page adds that initialization code is billed too, so a cold
// start is billed from the process start.

export const PRICE_PER_REQUEST_USD = 0.2 / 1_000_000;
export const PRICE_PER_GB_SECOND_USD = 0.0000166667;
export const PRICES_READ_ON = '2026-11-30';
/** The load the memory table prices: a skill that sends this many mails a day, one request each. */
export const MAILS_PER_DAY = 1000;
const DAYS_PER_MONTH = 30;

/** Dollars a month for MAILS_PER_DAY requests a day that each take `billedMs` at `memoryMb`. */
export function monthlyCostUsd(memoryMb: number, billedMs: number): number {
  const requests = MAILS_PER_DAY * DAYS_PER_MONTH;
  const gbSeconds = requests * (memoryMb / 1024) * (Math.ceil(billedMs) / 1000);
  return requests * PRICE_PER_REQUEST_USD + gbSeconds * PRICE_PER_GB_SECOND_USD;
}
