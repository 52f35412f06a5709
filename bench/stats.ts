// Small statistics and formatting helpers for the benchmark harness.

/** Returns the median of xs (mean of the middle two for an even count); NaN for an empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Returns (max - min) / median as a percentage: how noisy a set of runs was. */
export function spreadPct(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  return ((Math.max(...xs) - Math.min(...xs)) / median(xs)) * 100;
}

/** Returns rows formatted as a plain-text table with columns padded to their widest cell. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
