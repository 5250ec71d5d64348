// The unassigned queue's checkboxes: which leads are picked, kept to the ones on the page shown.

/** `selected` with `id` added, or removed when it was there. */
export function toggle(selected: ReadonlySet<number>, id: number): Set<number> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** Every id on the page picked, or none when all of them already were. */
export function toggleAll(selected: ReadonlySet<number>, pageIds: readonly number[]): Set<number> {
  const allPicked = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  return allPicked ? new Set() : new Set(pageIds);
}

/** The picked ids still on the page (a lead assigned meanwhile, or another page, drops out). */
export function keepVisible(selected: ReadonlySet<number>, pageIds: readonly number[]): number[] {
  return pageIds.filter((id) => selected.has(id));
}

/** A daily cap as typed: empty is "no cap" (null); a whole number of at least 1; anything else undefined (invalid). */
export function parseCap(text: string): number | null | undefined {
  const value = text.trim();
  if (value === "") return null;
  if (!/^\d+$/.test(value)) return undefined;
  const cap = Number(value);
  return cap >= 1 ? cap : undefined;
}
