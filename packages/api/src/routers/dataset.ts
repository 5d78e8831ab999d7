import { EXPRESSION_CLASSES } from "@mien/model/classes";

import { curatorProcedure, router } from "../trpc.ts";

export interface SplitCounts {
  train: number;
  val: number;
  test: number;
  unassigned: number;
  total: number;
}

export interface ClassCounts extends SplitCounts {
  name: string;
}

const empty = (): SplitCounts => ({ train: 0, val: 0, test: 0, unassigned: 0, total: 0 });

export const datasetRouter = router({
  /** Image counts per class and split: one GROUP BY, served by the (split, label) index. */
  summary: curatorProcedure.query(async ({ ctx }) => {
    const groups = await ctx.db.image.groupBy({ by: ["label", "split"], _count: { _all: true } });
    const byClass = new Map<string, SplitCounts>(EXPRESSION_CLASSES.map((name) => [name, empty()]));
    const totals = empty();
    for (const g of groups) {
      const counts = byClass.get(g.label) ?? byClass.set(g.label, empty()).get(g.label)!;
      const n = g._count._all;
      const split = g.split ?? "unassigned";
      counts[split] += n;
      counts.total += n;
      totals[split] += n;
      totals.total += n;
    }
    // Canonical classes first, in model-output order; any other label (not expected) after them.
    const classes: ClassCounts[] = [...byClass].map(([name, counts]) => ({ name, ...counts }));
    return { classes, totals };
  }),
});
