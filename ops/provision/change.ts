// What a plan is made of: the lines it shows without changing anything (what exists, was checked,
// a warning, a refusal) and the changes, each with the line a dry run prints and the AWS call it
// makes. print.ts renders them, apply.ts carries them out; the resources/ files build them.

import type { StepContext } from './context.ts';
import type { Action, AppliedLine, StepStatus } from './print.ts';

/** A line that changes nothing. */
export interface Finding {
  readonly step: string;
  readonly status: StepStatus;
  readonly detail: string;
}

/** What a change says once made, when it knows more than the plan did (an ID IAM chose, tokens SES handed out). */
export type Applied = AppliedLine | { readonly detail: string; readonly after: readonly PlanItem[] };

/** One change to the account or the files. */
export interface Change {
  readonly step: string;
  readonly action: Action;
  /** The dry run's line, after "would create" (and the run's, after "created", unless `apply` answers another). */
  readonly detail: string;
  readonly apply: (context: StepContext) => Promise<Applied | undefined>;
}

/** Lines printed as they are, such as the DNS records to publish. */
export interface Block {
  readonly block: string;
}

/** A check that only a real run makes, between its changes (the permissions read again once a key exists). */
export interface Check {
  readonly check: (context: StepContext) => Promise<void>;
}

export type PlanItem = Finding | Change | Block | Check;

/** What a plan comes to: its lines in order, or the refusal that stops it before any change. */
export interface Plan {
  readonly items: readonly PlanItem[];
  /** Set when the plan refuses: `items` are then only findings, the last ones naming what is refused. */
  readonly refusal?: string;
}

export function finding(step: string, status: StepStatus, detail: string): Finding {
  return { step, status, detail };
}

export function change(step: string, action: Action, detail: string, apply: Change['apply']): Change {
  return { step, action, detail, apply };
}

export function isChange(item: PlanItem): item is Change {
  return 'action' in item;
}

/** Thrown by a resource's plan when it must stop the run: the findings before it are printed, then the sentence. */
export class Refusal extends Error {
  override readonly name = 'Refusal';
  constructor(
    readonly findings: readonly Finding[],
    message: string,
  ) {
    super(message);
  }
}
