// `npm run provision`: arguments → provisioning, retiring old keys or teardown → lines (or
// JSON) and an exit code: 0 done, 1 failed with one sentence, 2 wrong usage. main.ts calls
// this with the real process; the tests call it in-process with captured output.

import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { maskAddress, maskAddressesIn } from '../../lambda/log.ts';
import { SENDER_ROLE_NAME } from '../../lambda/mail/roleTrustPolicy.ts';
import { UsageError } from '../cli.ts';
import { applyPlan } from './apply.ts';
import { createAwsCaller } from './awsCalls.ts';
import { type AwsClientOptions, createAwsClients, destroyAwsClients } from './awsClients.ts';
import type { StepContext } from './context.ts';
import { describeOverrides, endpointsOf, timeoutsOf } from './endpoints.ts';
import { ProvisionError } from './errors.ts';
import { adoptHandMade } from './handMade.ts';
import { USER_NAME } from './names.ts';
import { type ParsedCommand, parseCommand, USAGE } from './options.ts';
import { planProvision, provisionSummary } from './plan.ts';
import { type Output, Reporter, type Summary } from './print.ts';
import { retireOldKey } from './retireOldKey.ts';
import { readState, readTeardownState } from './state.ts';
import { type Confirm, planTeardown, teardownSummary } from './teardown.ts';

export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the teardown confirmation is read from; absent or not a terminal: --yes is required. */
  readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Extra options for the AWS clients (the tests answer DNS lookups offline with it). */
  readonly clientOptions?: Pick<AwsClientOptions, 'http'>;
  /** How the run waits before reading IAM again (default: a timer). */
  readonly wait?: (milliseconds: number) => Promise<void>;
}

function askOnTerminal(io: CliIo): Confirm {
  return (question) =>
    new Promise<boolean>((resolve) => {
      const lines = createInterface({ input: io.stdin ?? process.stdin, terminal: false });
      io.stderr.write(`${question}\nType "yes" to continue: `);
      lines.once('line', (line) => {
        resolve(line.trim().toLowerCase() === 'yes');
        lines.close();
      });
      lines.once('close', () => resolve(false));
    });
}

/** Read, plan, then print (a dry run) or apply: the one way both modes run. */
async function provision(context: StepContext): Promise<Summary> {
  const state = await readState(context);
  const plan = planProvision(state, context.options);
  await applyPlan(context, plan);
  return provisionSummary(state, context.options, plan.outcomes, context.report);
}

async function teardown(context: StepContext, confirm: Confirm): Promise<Summary> {
  const state = await readTeardownState(context);
  await applyPlan(context, planTeardown(state, context.options, confirm));
  return teardownSummary(state, context.options);
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command: ParsedCommand;
  try {
    command = parseCommand(argv, io.env);
    if (!command.help) {
      const { options } = command;
      const asks = options.mode === 'teardown' || options.adoptHandMade;
      if (asks && !options.dryRun && !options.yes && (options.json || !io.stdin?.isTTY)) {
        throw new UsageError(
          `${options.adoptHandMade ? '--adopt-hand-made' : '--teardown'} asks for confirmation on a terminal; pass --yes to run it without one.`,
        );
      }
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${error.message}\nRun \`npm run provision -- --help\` to see every option.\n`);
    return 2;
  }
  if (command.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const { options } = command;
  const report = new Reporter(io.stdout, io.stderr, options.json);
  const timeouts = timeoutsOf(io.env);
  const endpoints = endpointsOf(io.env, options.region);
  const clients = createAwsClients({ ...options, ...io.clientOptions, timeouts });
  const aws = createAwsCaller(options, clients, { endpoints, timeouts });
  const overrides = describeOverrides(endpoints);
  const reaching = overrides ? ` (endpoint overrides: ${overrides})` : '';
  const context = { options, clients, aws, report, wait: io.wait ?? ((milliseconds: number) => sleep(milliseconds)) };
  const dryRun = `${options.dryRun ? ' (dry run: nothing will be changed)' : ''}${reaching}`;
  try {
    if (options.mode === 'teardown') {
      report.heading(`Removing what this tool created for ${USER_NAME}${dryRun}:`);
      report.finish(await teardown(context, askOnTerminal(io)));
    } else if (options.mode === 'retire-old-key') {
      report.heading(`Retiring the old access keys of ${USER_NAME}${dryRun}:`);
      report.finish(await retireOldKey(context));
    } else {
      const fromAddress = options.fromAddress ?? '';
      const identity = options.hostedRoleArn ? `the role ${SENDER_ROLE_NAME} of a hosted skill` : USER_NAME;
      report.heading(
        `Provisioning ${identity} to send as ${maskAddress(fromAddress)} through SES in ${options.region}${dryRun}:`,
      );
      report.finish(await (options.adoptHandMade ? adoptHandMade(context, askOnTerminal(io)) : provision(context)));
    }
    return 0;
  } catch (error) {
    const sentence =
      error instanceof ProvisionError
        ? error.message
        : `Provisioning failed unexpectedly: ${maskAddressesIn((error as Error).message ?? String(error))}`;
    report.finish({ ok: false, mode: options.mode, dryRun: options.dryRun, region: options.region, error: sentence });
    return 1;
  } finally {
    destroyAwsClients(clients);
  }
}
