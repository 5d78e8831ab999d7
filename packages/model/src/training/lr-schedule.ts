/** Learning-rate schedules over epochs (1-based), with an optional linear warm-up. */
export interface LearningRateSchedule {
  initial: number;
  schedule: "constant" | "cosine" | "step";
  warmupEpochs: number;
  stepEvery: number;
  stepFactor: number;
}

/** The learning rate for `epoch` of `epochs`. Cosine decays to 1% of the initial rate. */
export function learningRateAt(s: LearningRateSchedule, epoch: number, epochs: number): number {
  if (s.warmupEpochs > 0 && epoch <= s.warmupEpochs) return (s.initial * epoch) / (s.warmupEpochs + 1);
  const e = epoch - s.warmupEpochs;
  const span = Math.max(1, epochs - s.warmupEpochs);
  switch (s.schedule) {
    case "constant":
      return s.initial;
    case "step":
      return s.initial * s.stepFactor ** Math.floor((e - 1) / s.stepEvery);
    case "cosine": {
      const floor = s.initial * 0.01;
      return floor + 0.5 * (s.initial - floor) * (1 + Math.cos((Math.PI * (e - 1)) / span));
    }
  }
}
