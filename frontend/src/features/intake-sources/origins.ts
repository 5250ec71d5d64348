/** The allowed origins typed one per line (or separated by spaces or commas): trimmed, without a trailing slash, no repeats. */
export function originsFromText(text: string): string[] {
  const found: string[] = [];
  for (const piece of text.split(/[\s,]+/)) {
    const origin = piece.trim().replace(/\/+$/, "");
    if (origin && !found.includes(origin)) found.push(origin);
  }
  return found;
}
