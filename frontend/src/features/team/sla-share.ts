// The dashboard's first-contact SLA column: the summary's `met_share` as the desk shows it.

/** The share met as a whole percentage, or null when nothing was judged yet (no lead met or missed its time). */
export function metPercent(share: number | null | undefined): number | null {
  return share === null || share === undefined ? null : Math.round(share * 100);
}
