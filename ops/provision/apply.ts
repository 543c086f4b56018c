// Carries out a plan in order: a dry run prints it and calls nothing that changes the account; a
// real run makes each change, then prints its line. A refusal prints its findings and stops.

import type { Applied, Plan, PlanItem } from './change.ts';
import type { StepContext } from './context.ts';
import { ProvisionError } from './errors.ts';

async function run(context: StepContext, items: readonly PlanItem[]): Promise<void> {
  const { report, options } = context;
  for (const item of items) {
    if ('block' in item) {
      report.block(item.block);
    } else if ('check' in item) {
      if (!options.dryRun) await item.check(context);
    } else if (!('action' in item) || options.dryRun) {
      report.print(item);
    } else {
      const applied: Applied = (await item.apply(context)) ?? item.detail;
      report.print(item, applied);
      if (typeof applied !== 'string' && 'after' in applied) await run(context, applied.after);
    }
  }
}

export async function applyPlan(context: StepContext, plan: Plan): Promise<void> {
  await run(context, plan.items);
  if (plan.refusal !== undefined) throw new ProvisionError(plan.refusal);
}
