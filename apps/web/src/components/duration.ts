/** A length of time as people read it: "8.4 s", "42 s", "3 min 5 s", "2 h 14 min". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** The time from `start` to `end` in the same words. */
export const elapsed = (start: Date, end: Date): string => duration((end.getTime() - start.getTime()) / 1000);
