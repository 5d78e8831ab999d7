import { z } from "zod";

import measured from "./scorecard.json" with { type: "json" };

const condition = z.object({ planted: z.number(), found: z.number(), recall: z.number() });
const signal = z.object({
  recall: z.number(),
  planted: z.number(),
  falseFlags: z.number(),
  falseFlagRate: z.number(),
  plainPhotos: z.number(),
  imagesPerSecond: z.number().nullable(),
  conditions: z.record(z.string(), condition),
});

/** What `pnpm bench:signals --scorecard` measured for this version: how far each automatic flag can be trusted. */
export const scorecardSchema = z.object({
  seed: z.number(),
  perCondition: z.number(),
  fonts: z.string(),
  images: z.number(),
  measuredAt: z.string(),
  commit: z.string(),
  signals: z.record(z.enum(["text", "duplicate", "blur", "no_face", "several_faces"]), signal),
});
export type Scorecard = z.infer<typeof scorecardSchema>;

/** The scorecard shipped with this version (src/scorecard.json, written by the benchmark). */
export function shippedScorecard(): Scorecard {
  return scorecardSchema.parse(measured);
}
