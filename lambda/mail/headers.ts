// Defence in depth for anything that ends up in a mail header: no line breaks or control
// characters, so no text can start a header of its own, and no bidi override or other invisible
// character (lambda/characters.ts), so none can make a header read other than it is.

import { withoutInvisible } from '../characters.ts';

export function headerSafe(value: string): string {
  return withoutInvisible(value, ' ').replace(/ {2,}/g, ' ').trim();
}
