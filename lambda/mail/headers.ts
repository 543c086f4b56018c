// Defence in depth for anything that ends up in a mail header: no line breaks or
// control characters, so no text can start a header of its own.

// C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators.
const UNSAFE_IN_HEADER = /[\p{Cc}\u2028\u2029]/gu;

export function headerSafe(value: string): string {
  return value.replace(UNSAFE_IN_HEADER, ' ').replace(/ {2,}/g, ' ').trim();
}
