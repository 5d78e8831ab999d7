import type { PracticePlanView } from "@mien/api";

export const HOLD_CHOICES = [1000, 2000, 3000, 5000] as const;

export const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "Happiness and surprise, held 2 s, 3 sessions a week." */
export function describePlan(plan: Pick<PracticePlanView, "targets" | "holdMs" | "sessionsPerWeek">): string {
  const names = plan.targets.map((t, i) => (i === 0 ? capitalise(t) : t));
  const list = names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : names[0];
  return `${list}, held ${plan.holdMs / 1000} s, ${plan.sessionsPerWeek} session${plan.sessionsPerWeek === 1 ? "" : "s"} a week.`;
}

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

/** "Set by you on Dec 5, 2026" / "Set by Dr Lee on …". */
export function planAuthor(plan: PracticePlanView, viewerId: string): string {
  const who = !plan.setBy ? "a former mentor" : plan.setBy.id === viewerId ? "you" : plan.setBy.name;
  return `Set by ${who} on ${dateFormat.format(plan.updatedAt)}.`;
}
