// Column mapping for imports, done in the browser: read a CSV's header row and write it anew with
// the lead fields chosen for each column (an empty name: a column the import ignores).

export const IMPORT_FIELDS = [
  "customer_name", "contact_number", "passport_number", "cnic", "address", "area",
  "lead_source", "lead_status", "next_followup_date", "remarks", "followup_remarks",
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

const key = (name: string) => name.replace(/[\s_]+/g, "").toLowerCase();

/** The header's cells and where the first record ends (quotes and quoted line breaks respected). */
export function readHeader(text: string): { cells: string[]; end: number } {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  let index = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      cells.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      const end = char === "\r" && text[index + 1] === "\n" ? index + 2 : index + 1;
      cells.push(cell);
      return { cells, end };
    } else cell += char;
  }
  cells.push(cell);
  return { cells, end: text.length };
}

/** A first guess: a header that already names a field (any case, spaces or underscores) maps to it. */
export function guessMapping(cells: string[]): (ImportField | "")[] {
  return cells.map((cell) => IMPORT_FIELDS.find((field) => key(field) === key(cell)) ?? "");
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** The file with its header row replaced by the mapped field names; the data rows untouched. */
export function rewriteHeader(text: string, mapping: (ImportField | "")[]): string {
  const { end } = readHeader(text);
  const rest = text.slice(end);
  return `${mapping.map(quote).join(",")}\r\n${rest}`;
}

/** Fields chosen for more than one column (the import refuses repeated columns). */
export function repeatedFields(mapping: (ImportField | "")[]): ImportField[] {
  const seen = new Set<string>();
  const repeated = new Set<ImportField>();
  for (const field of mapping) {
    if (!field) continue;
    if (seen.has(field)) repeated.add(field);
    seen.add(field);
  }
  return [...repeated];
}
