import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createDb, type Db } from "@mien/db";
import { createTestDatabase, type TestDatabase } from "@mien/db/testing";

import { seedImages, seedUsers } from "../testing/index.ts";
import { outcomeOf } from "./consensus.ts";
import { bulkFlag, decide, undo } from "./decide.ts";
import type { DecisionState } from "./state.ts";

let t: TestDatabase;
const CURATORS = ["c0", "c1", "c2", "c3", "c4"];
const ROUNDS = 12;

beforeAll(async () => {
  t = await createTestDatabase("mien_test_api_concurrency");
  await seedUsers(
    t.db,
    CURATORS.map((id) => [id, "curator"] as const),
  );
});
afterAll(async () => {
  await t?.drop();
});

/** A small deterministic generator, so a failure replays the same interleaving of choices. */
function random(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe("curators acting on the same images at the same time", () => {
  it("never lose each other's decisions, audit rows or consensus counts", async () => {
    const [shared, other] = await seedImages(t.db, "neutral", "train", 2, { tag: "race" });
    // One pool per curator, as separate web requests would have.
    const pools: Db[] = CURATORS.map(() => createDb(t.url, { max: 2 }));
    // Connected before the race, so a slow connection start on a busy machine is not what is measured.
    await Promise.all(pools.map((p) => p.$queryRaw`SELECT 1`));
    const expected = new Map<string, { decision: DecisionState | null; actions: number }>();
    try {
      await Promise.all(
        CURATORS.map(async (curatorId, k) => {
          const db = pools[k]!;
          const next = random(k + 1);
          let live: DecisionState | null = null;
          let actions = 0;
          for (let round = 0; round < ROUNDS; round++) {
            const r = next();
            if (r < 0.45) {
              const decision =
                r < 0.15
                  ? { kind: "accept" as const }
                  : r < 0.3
                    ? { kind: "relabel" as const, label: "fear" as const }
                    : { kind: "flag" as const, flags: ["unclear" as const] };
              live = await decide(db, { curatorId, imageId: shared!, decision });
              actions++;
            } else if (r < 0.75) {
              const results = await bulkFlag(db, { curatorId, imageIds: [other!, shared!], flags: ["duplicate"] });
              live = results.find((x) => x.imageId === shared)!.decision;
              actions++;
            } else {
              try {
                live = await undo(db, { curatorId, imageId: shared! });
                actions++;
              } catch (err) {
                // Nothing of theirs left to undo is the one refusal allowed here.
                expect(err).toMatchObject({ code: "PRECONDITION_FAILED" });
              }
            }
          }
          expected.set(curatorId, { decision: live, actions });
        }),
      );
    } finally {
      await Promise.all(pools.map((p) => p.$disconnect()));
    }

    const rows = await t.db.reviewDecision.findMany({
      where: { imageId: shared! },
      select: { curatorId: true, kind: true, label: true, flags: true, suggestedLabel: true, version: true },
    });
    for (const curatorId of CURATORS) {
      const want = expected.get(curatorId)!;
      const row = rows.find((r) => r.curatorId === curatorId);
      // Each curator's live decision is exactly what their own last action left.
      expect(row ? { kind: row.kind, label: row.label, flags: row.flags, suggestedLabel: row.suggestedLabel, version: row.version } : null, curatorId).toEqual(
        want.decision,
      );
      // And every action they took has its own audit row on the image.
      expect(await t.db.auditLog.count({ where: { imageId: shared!, actorId: curatorId } }), curatorId).toBe(want.actions);
    }
    // The consensus summary counts every live decision, whichever transaction committed last.
    const summary = await t.db.reviewConsensus.findUnique({ where: { imageId: shared! } });
    const outcomes = new Set(rows.map((r) => outcomeOf(r, "neutral")));
    expect(summary).toMatchObject({ reviews: rows.length, disagree: outcomes.size > 1, outcome: outcomes.size === 1 ? [...outcomes][0] : null });
    expect(rows.length).toBeGreaterThan(1);
  });
});
