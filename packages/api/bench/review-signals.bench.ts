// `pnpm bench:review-signals`: the review page query sorted and filtered by screening signals at
// 420k images (synthetic rows with realistic class shares), p50/p95 per query shape, one JSON line.
import { loadavg } from "node:os";
import { parseArgs } from "node:util";

import { createTestDatabase } from "@mien/db/testing";

import { pageInput, reviewPage, type PageInput } from "../src/review/page.ts";

const { values } = parseArgs({
  options: { n: { type: "string", default: "420000" }, runs: { type: "string", default: "40" }, keep: { type: "boolean", default: false } },
});
const n = Number(values.n);
const runs = Number(values.runs);

const t = await createTestDatabase("mien_bench_review_signals");
try {
  await t.db.user.create({ data: { id: "bench", email: "bench@example.com", name: "bench", role: "curator" } });
  const started = performance.now();
  // Class shares like the corpora (neutral and happiness dominate); signals as screening leaves them.
  await t.db.$executeRawUnsafe(`
    INSERT INTO image (id, sha256, "storageKey", "thumbKey", "mimeType", width, height, "sourcePath", "sourceLabel", label, split,
                       phash, "blurScore", contrast, "faceCount", "faceScore", "ocrScore", "suggestedLabel", "labelConfidence", "mislabelScore", "duplicateGroup", "updatedAt")
    SELECT gen_random_uuid(), md5(i::text) || md5((i * 7)::text), 'o/' || i, 't/' || i, 'image/jpeg', 48, 48, 'bench/' || i, l, l,
           (ARRAY['train','train','train','val','test']::"Split"[])[1 + i % 5],
           (random() * 9e18)::bigint, random() * 800, 10 + random() * 60,
           CASE WHEN random() < 0.01 THEN 0 WHEN random() < 0.01 THEN 2 ELSE 1 END, random(), power(random(), 6),
           CASE WHEN random() < 0.12 THEN (ARRAY['anger','fear','sadness','surprise','neutral','happiness'])[1 + (i % 6)] ELSE l END,
           random(), random(), CASE WHEN random() < 0.01 THEN gen_random_uuid() END, now()
    FROM (SELECT i, (ARRAY['neutral','neutral','neutral','happiness','happiness','happiness','sadness','anger','surprise','fear','disgust','contempt'])[1 + (i::bigint * 7919) % 12] AS l
          FROM generate_series(1, ${n}) AS i) s`);
  await t.db.$executeRawUnsafe("ANALYZE image");
  const seedSeconds = (performance.now() - started) / 1000;

  const shapes: Record<string, Partial<PageInput>> = {
    suspiciousFirstPage: { sort: "suspicious", suggestedDiffers: true },
    suspiciousThreshold: { sort: "suspicious", minSuspicion: 0.8 },
    textQueue: { sort: "text", minText: 0.6 },
    noFaceQueue: { sort: "least-face", faces: "none" },
    blurriest: { sort: "blurriest" },
    duplicates: { sort: "duplicates", inDuplicateGroup: true },
  };
  const result: Record<string, unknown> = { bench: "review.signals", images: n, runs, seedSeconds: Math.round(seedSeconds) };
  for (const [name, shape] of Object.entries(shapes)) {
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      // Alternate the first page and a page deep in the queue (the cursor of the 48×20th row).
      let input = pageInput.parse({ label: r % 2 ? "neutral" : "fear", ...shape });
      if (r % 4 === 3) {
        let page = await reviewPage(t.db, "bench", input);
        for (let k = 0; k < 20 && page.nextCursor; k++) page = await reviewPage(t.db, "bench", { ...input, cursor: page.nextCursor });
        input = { ...input, cursor: page.nextCursor };
      }
      const s = performance.now();
      await reviewPage(t.db, "bench", input);
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]! * 10) / 10;
    result[name] = { p50Ms: q(0.5), p95Ms: q(0.95) };
  }
  result.loadAverage1m = Math.round(loadavg()[0]! * 100) / 100;
  console.log(JSON.stringify(result));
} finally {
  if (!values.keep) await t.drop();
}
