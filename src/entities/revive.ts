/** An instant as the domain keeps it, from a Date (memory tier) or its JSON string (shared tiers). */
export function instant(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value);
}

/** Like `instant`, for fields that are never null. */
export function requiredInstant(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}
