// What the command prints: one line per step as it happens (or, with --json, one JSON
// document at the end), then a summary with the next step. Nothing that reaches here may
// hold a secret: steps describe keys by their ID only, and addresses arrive masked.

export type StepStatus =
  | 'checked'
  | 'exists'
  | 'created'
  | 'updated'
  | 'deleted'
  | 'skipped'
  | 'warning'
  | 'refused'
  | 'would create'
  | 'would update'
  | 'would delete';

interface StepResult {
  readonly step: string;
  readonly status: StepStatus;
  readonly detail: string;
}

const CHANGES: ReadonlySet<StepStatus> = new Set(['created', 'updated', 'deleted']);
const PLANNED_CHANGES: ReadonlySet<StepStatus> = new Set(['would create', 'would update', 'would delete']);

export interface Output {
  write(text: string): void;
}

export interface Summary {
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

export class Reporter {
  readonly steps: StepResult[] = [];

  constructor(
    private readonly stdout: Output,
    private readonly stderr: Output,
    private readonly json: boolean,
  ) {}

  /** A heading line before the steps (not in --json output). */
  heading(text: string): void {
    if (!this.json) this.stdout.write(`${text}\n`);
  }

  step(step: string, status: StepStatus, detail: string): void {
    this.steps.push({ step, status, detail });
    if (!this.json) this.stdout.write(`  ${step.padEnd(18)} ${status.padEnd(12)} ${detail}\n`);
  }

  /** Whether any step changed the account or the files. */
  get changed(): boolean {
    return this.steps.some((step) => CHANGES.has(step.status));
  }

  get plannedChanges(): boolean {
    return this.steps.some((step) => PLANNED_CHANGES.has(step.status));
  }

  finish(summary: Summary): void {
    if (this.json) {
      const document = { ...summary, changed: this.changed, steps: this.steps };
      this.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      return;
    }
    if (summary.ok) {
      if (summary.next) this.stdout.write(`\n${summary.next}\n`);
    } else {
      this.stderr.write(`\n${summary.error ?? 'Provisioning failed.'}\n`);
    }
  }
}
