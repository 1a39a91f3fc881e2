/** Rows as columns padded to their widest cell, two spaces apart, a line each (no trailing newline). */
export function table(rows: readonly (readonly (string | number)[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  return rows.map((row) => row.map((cell, c) => String(cell).padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}
