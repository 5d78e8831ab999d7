/** The browser's IANA time zone, in which the API counts days, "today" and streaks. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}
