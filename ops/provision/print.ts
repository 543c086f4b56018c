// What the command prints: one line per plan item as the run reaches it, or with --json one document
// at the end; then the next step. No secret reaches here: keys by their ID, addresses masked.

import type { ConfigurationSetReport, DomainReport, SendingStatus } from './deliverabilityReport.ts';

export type Action = 'create' | 'update' | 'delete';
const PLANNED = { create: 'would create', update: 'would update', delete: 'would delete' } as const;
const DONE = { create: 'created', update: 'updated', delete: 'deleted' } as const;
export type StepStatus =
  | 'checked'
  | 'exists'
  | 'skipped'
  | 'warning'
  | 'refused'
  | (typeof PLANNED)[Action]
  | (typeof DONE)[Action];

interface StepResult {
  readonly step: string;
  readonly status: StepStatus;
  readonly detail: string;
}

/** A line as a plan item carries it: a finding with its status, or a change with its action. */
type PlanLine = StepResult | { readonly step: string; readonly detail: string; readonly action: Action };

/** What a change says once made, when it says more than its planned line. */
export type AppliedLine = string | { readonly detail: string; readonly status?: StepStatus };

export interface Output {
  write(text: string): void;
}

/** What --json carries beside the steps about deliverability (docs/deliverability.md). */
interface Deliverability {
  /** The SES account of the region (every provisioning run). */
  readonly sesAccount?: SendingStatus;
  /** --domain: the identity's status and the DNS records to publish. */
  readonly domain?: DomainReport;
  /** --configuration-set (or the one the key file records). */
  readonly configurationSet?: ConfigurationSetReport;
}

export interface Summary extends Deliverability {
  readonly ok: boolean;
  readonly mode: 'provision' | 'teardown' | 'retire-old-key';
  readonly dryRun: boolean;
  readonly account?: string;
  readonly region: string;
  /** Where the key is (provision and --retire-old-key); the file holds the secret, this report never does. */
  readonly credentialsFile?: string;
  readonly accessKeyId?: string | undefined;
  readonly next?: string;
  readonly error?: string;
}

/** A fix printed as an `aws …` command; a console user without the AWS CLI has it in AWS CloudShell. */
const SUGGESTS_AWS_COMMAND = /[`(]aws [a-z]/;
const CLOUDSHELL_NOTE =
  'Every `aws` command this tool suggests also runs, as it is, in AWS CloudShell (the shell of the AWS console).';

export class Reporter {
  readonly steps: StepResult[] = [];
  private afterBlock = false;
  private suggestedAwsCommand = false;

  constructor(
    private readonly stdout: Output,
    private readonly stderr: Output,
    private readonly json: boolean,
  ) {}

  /** Lines printed as they are, such as a table of DNS records (not in --json output: the summary carries the data). */
  block(text: string): void {
    if (this.json) return;
    // One blank line around a block, also between two blocks.
    this.stdout.write(`${this.afterBlock ? '' : '\n'}${text.replace(/\n*$/, '')}\n\n`);
    this.afterBlock = true;
  }

  /** A heading line before the steps (not in --json output). */
  heading(text: string): void {
    if (!this.json) this.stdout.write(`${text}\n`);
  }

  step(step: string, status: StepStatus, detail: string): void {
    this.steps.push({ step, status, detail });
    this.afterBlock = false;
    if (SUGGESTS_AWS_COMMAND.test(detail)) this.suggestedAwsCommand = true;
    // The widest status, "would create", still leaves two spaces before the detail.
    if (!this.json) this.stdout.write(`  ${step.padEnd(18)} ${status.padEnd(13)} ${detail}\n`);
  }

  /** A finding as it is; a change as planned (a dry run), or as made with what its call answered. */
  print(item: PlanLine, applied?: AppliedLine): void {
    if ('status' in item) {
      this.step(item.step, item.status, item.detail);
    } else if (applied === undefined) {
      this.step(item.step, PLANNED[item.action], item.detail);
    } else {
      const made = typeof applied === 'string' ? { detail: applied } : applied;
      this.step(item.step, made.status ?? DONE[item.action], made.detail);
    }
  }

  /** Whether any step changed the account or the files. */
  get changed(): boolean {
    return this.steps.some((step) => Object.values<StepStatus>(DONE).includes(step.status));
  }

  get plannedChanges(): boolean {
    return this.steps.some((step) => Object.values<StepStatus>(PLANNED).includes(step.status));
  }

  finish(summary: Summary): void {
    if (this.json) {
      const document = { ...summary, changed: this.changed, steps: this.steps };
      this.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      return;
    }
    const last = summary.ok ? summary.next : (summary.error ?? 'Provisioning failed.');
    if (summary.ok && last) this.stdout.write(`\n${last}\n`);
    // On the report, not the error stream: a failure stays one sentence there.
    if (this.suggestedAwsCommand || SUGGESTS_AWS_COMMAND.test(last ?? '')) this.stdout.write(`\n${CLOUDSHELL_NOTE}\n`);
    if (!summary.ok) this.stderr.write(`\n${last}\n`);
  }
}
