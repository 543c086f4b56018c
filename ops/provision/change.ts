// What a plan is made of: the lines it shows without changing anything (what exists, was checked,
// a warning, a refusal) and the changes, each with the line a dry run prints and the AWS call it
// makes. print.ts renders them, apply.ts carries them out; the resources/ files build them with
// the few helpers below, so that each kind reads as "found: this line; else: this change".

import type { Sendable } from './awsCalls.ts';
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

/** `done`: the run's line once made, when it says more than the planned one. */
export function change(step: string, action: Action, detail: string, apply: Apply, done?: string): Change {
  return { step, action, detail, apply: async (context) => (await apply(context)) ?? done };
}

type Apply = Change['apply'] | ((context: StepContext) => Promise<void>);

/**
 * A change's call: these SDK commands of one service, sent in order. Each send takes a copy: the
 * SDK adds its middleware to the command it sends, so one instance sent twice would fail.
 */
function send(service: 'iam' | 'ses' | 'sns' | 'dynamodb') {
  return (...commands: Sendable[]) =>
    async ({ aws }: StepContext): Promise<void> => {
      for (const command of commands) {
        const Command = command.constructor as new (input: object) => Sendable;
        await aws[service].change(new Command(command.input));
      }
    };
}
export const iam = send('iam');
export const ses = send('ses');
export const sns = send('sns');
export const dynamodb = send('dynamodb');

/** The lines of one step, such as 'user': `user.exists(detail)`, `user.create(detail, apply, done?)`. */
export function step(name: string) {
  const line = (status: StepStatus) => (detail: string) => finding(name, status, detail);
  const make = (action: Action) => (detail: string, apply: Apply, done?: string) =>
    change(name, action, detail, apply, done);
  return {
    checked: line('checked'),
    exists: line('exists'),
    skipped: line('skipped'),
    warning: line('warning'),
    refused: line('refused'),
    create: make('create'),
    update: make('update'),
    delete: make('delete'),
  };
}

export function isChange(item: PlanItem): item is Change {
  return 'action' in item;
}

/** How a line names a resource of this tool's name that someone else made, and the run adopted. */
export function adopted(managed: boolean, consequence = ''): string {
  return managed ? '' : ` (created outside this tool, adopted${consequence})`;
}

/** The finding beside a refusal to use what someone else made without --adopt. */
export function notOurs(step: string, name: string): Finding {
  return finding(step, 'refused', `${name} exists but this tool did not create it (no managed-by tag)`);
}

/** A resource of this tool's name as read: whether it exists, and whether this tool made it (its managed-by tag). */
export interface Found {
  readonly exists: boolean;
  readonly managed: boolean;
}

/** Teardown leaves what is gone or what someone else made, and says so; `undefined`: this tool's, to remove. */
export function leftAlone(step: string, name: string, found: Found) {
  if (!found.exists) return finding(step, 'skipped', `${name} does not exist`);
  if (!found.managed) return finding(step, 'skipped', `${name} was created outside this tool: left in place`);
  return undefined;
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
