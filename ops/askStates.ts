// Reads the skill ID that `ask deploy` records in .ask/ask-states.json (git-ignored) after it
// has created the skill: `profiles.<ASK CLI profile>.skillId`, as ask-cli's AskStates writes it.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT, shownPath } from './paths.ts';

export const ASK_STATES_FILE = join(PROJECT_ROOT, '.ask/ask-states.json');

/** The skill ID, or why there is none (a sentence for the user). */
type SkillIdLookup =
  | { readonly skillId: string; readonly profile: string }
  | { readonly skillId?: undefined; readonly reason: string };

interface AskStates {
  readonly profiles?: Readonly<Record<string, { readonly skillId?: unknown } | undefined>>;
}

async function readStates(file: string): Promise<AskStates | string> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as AskStates;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? `${shownPath(file)} does not exist yet`
      : `${shownPath(file)} is not valid JSON`;
  }
}

function skillIdsByProfile(states: AskStates): [string, string][] {
  return Object.entries(states.profiles ?? {}).flatMap(([profile, state]): [string, string][] =>
    typeof state?.skillId === 'string' && state.skillId ? [[profile, state.skillId]] : [],
  );
}

/**
 * With a profile name, that profile's skill ID. Without one (the build hook: ASK CLI does not
 * tell a hook which profile it deploys), the only skill ID recorded; several would be a guess,
 * and a wrong skill ID makes the skill refuse every request, so none is chosen then.
 */
export async function readSkillId(file: string = ASK_STATES_FILE, profile?: string): Promise<SkillIdLookup> {
  const states = await readStates(file);
  if (typeof states === 'string') return { reason: `${states}: the skill has not been deployed` };
  const found = skillIdsByProfile(states);
  if (profile !== undefined) {
    const match = found.find(([name]) => name === profile);
    return match
      ? { profile, skillId: match[1] }
      : { reason: `${shownPath(file)} has no skill ID for the ASK CLI profile "${profile}"` };
  }
  if (found.length === 1) return { profile: found[0]![0], skillId: found[0]![1] };
  if (found.length === 0) return { reason: `${shownPath(file)} has no skill ID yet` };
  return {
    reason: `${shownPath(file)} has skill IDs for several ASK CLI profiles (${found.map(([name]) => name).join(', ')})`,
  };
}
