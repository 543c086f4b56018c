// Where things are in the project, and how a path is shown to the user. Everything that
// needs the project root takes it from here, so no command loads more than it needs.

import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const LAMBDA_DIR = join(PROJECT_ROOT, 'lambda');
export const SKILL_PACKAGE_DIR = join(PROJECT_ROOT, 'skill-package');

/** A path as the user would type it: relative to the project when inside it, else as given. */
export function shownPath(path: string): string {
  const inside = relative(PROJECT_ROOT, path);
  return inside && !inside.startsWith('..') ? inside : path;
}
