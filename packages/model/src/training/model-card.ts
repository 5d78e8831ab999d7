import { manifestMembers, type ArtifactManifest, type EvaluationReport, type ModelMember } from "../artifact/manifest.ts";

const pct = (x: number | undefined) => (x === undefined ? "–" : `${(x * 100).toFixed(1)}%`);

function metricsTable(metrics: Record<string, EvaluationReport>): string {
  const splits = Object.keys(metrics);
  const row = (label: string, f: (r: EvaluationReport) => string) => `| ${label} | ${splits.map((s) => f(metrics[s]!)).join(" | ")} |`;
  return [
    `| metric | ${splits.join(" | ")} |`,
    `|---|${splits.map(() => "---:").join("|")}|`,
    row("images", (r) => String(r.n)),
    row("accuracy", (r) => pct(r.accuracy)),
    row("balanced accuracy", (r) => pct(r.balancedAccuracy)),
    row("macro-F1", (r) => pct(r.macroF1)),
    row("top-2 accuracy", (r) => pct(r.top2)),
    row("ECE after temperature scaling", (r) => r.ece.toFixed(3)),
    row("ECE before scaling", (r) => (r.eceBeforeScaling === undefined ? "–" : r.eceBeforeScaling.toFixed(3))),
    row("share above the abstain threshold", (r) => pct(r.coverage)),
    row("accuracy above the threshold", (r) => pct(r.accuracyWhenConfident)),
  ].join("\n");
}

function perClassTable(report: EvaluationReport, classes: readonly string[]): string {
  return [
    "| class | precision | recall | F1 | images |",
    "|---|---:|---:|---:|---:|",
    ...classes.map((c) => {
      const m = report.perClass[c as keyof EvaluationReport["perClass"]];
      return m ? `| ${c} | ${pct(m.precision)} | ${pct(m.recall)} | ${pct(m.f1)} | ${m.support} |` : `| ${c} | – | – | – | 0 |`;
    }),
  ].join("\n");
}

/** The most frequent mistakes and the weakest classes, read off the confusion matrix. */
function knownFailures(report: EvaluationReport, classes: readonly string[]): string[] {
  const pairs: Array<{ from: string; to: string; share: number; count: number }> = [];
  report.confusion.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => {
      if (i !== j && count > 0 && total > 0) pairs.push({ from: classes[i]!, to: classes[j]!, share: count / total, count });
    });
  });
  pairs.sort((a, b) => b.share - a.share);
  const lines = pairs.slice(0, 4).map((p) => `${pct(p.share)} of ${p.from} faces are read as ${p.to} (${p.count} images).`);
  const weak = classes.filter((c) => {
    const m = report.perClass[c as keyof EvaluationReport["perClass"]];
    return m && m.support > 0 && m.recall < 0.5;
  });
  if (weak.length) lines.push(`Recall is below 50% for ${weak.join(", ")}: the coach will often miss these expressions.`);
  return lines;
}

/** The card's sentence on the class-prior correction, or "" when the version has none. */
function priorText(m: Pick<ArtifactManifest, "calibration" | "classes">): string {
  const prior = m.calibration.priorCorrection;
  if (!prior) return "";
  const shares = m.classes.map((c, i) => `${c} ${(prior.trainShares[i]! * 100).toFixed(1)}%`).join(", ");
  return ` Before that, ${Math.round(prior.strength * 100)}% of the training set's class prior is taken back out (the strength with
the best macro-F1 on val), so that rare expressions are not drowned out by common ones: each class's
log-probability gains −${prior.strength} · ln(its training share) (shares: ${shares}).`;
}

/** The model card shipped with every version (card.md), written from its manifest. */
export function modelCard(m: Omit<ArtifactManifest, "files">): string {
  const evalSplit = m.metrics.test ? "test" : "val";
  const main = m.metrics[evalSplit]!;
  const counts = m.snapshot.imageCount === undefined ? "" : ` (${m.snapshot.imageCount} images)`;
  return `# Model card: ${m.name}

Created ${m.createdAt} by Mien's trainer (code ${m.codeVersion}) on the ${m.training.backend} backend in ${Math.round(m.training.seconds)} s.

## Intended use

For **self-practice only**: a person looks at their own face on their own device and sees what
their expression may communicate. The model reads posed or practised expressions of one face at a
time. It is **not** for reading, judging or monitoring other people, for decisions about anyone
(hiring, policing, health, education, security), or for inferring what someone feels: a facial
expression is not an emotion. Frames stay on the device.

## What it outputs

Probabilities over ${m.classes.length} expressions (${m.classes.join(", ")}), calibrated by a
temperature of ${m.calibration.temperature.toFixed(3)} fitted on val.${priorText(m)} Below a top probability of
${m.calibration.abstainThreshold.toFixed(3)} the coach says "unclear" instead of naming an expression:
on val, predictions at or above that confidence were right ${pct(m.metrics.val?.accuracyWhenConfident)} of the
time and covered ${pct(m.metrics.val?.coverage)} of the images.

## Data

Dataset snapshot \`${m.snapshot.contentHash}\`${m.snapshot.name ? ` ("${m.snapshot.name}")` : ""}${counts}: the
train split trains the model, val chooses the epoch (early stopping) and fits the temperature${m.calibration.priorCorrection ? ", the prior correction" : ""} and
the abstain threshold${m.metrics.test ? ", and test is only evaluated" : "; the snapshot has no test split, so the figures below are on val, which also made choices, and are optimistic"}.

## Architecture and provenance

Face crop (detector box scaled by ${m.preprocessing.faceBox.scale}, shifted by ${m.preprocessing.faceBox.shiftY} box heights),
${m.preprocessing.colour === "gray" ? "converted to gray" : "in colour"}, then ${membersText(m)}${TTA_TEXT[m.preprocessing.tta]}
Probabilities are softmax(${m.calibration.priorCorrection ? "(log-probabilities + b) / T, b = −strength · ln(training share)" : "log-probabilities / T"}).
${m.backbones.length ? `\n${m.backbones.map((b) => `- **${b.id}**: ${b.provenance}`).join("\n")}\n` : ""}

## Evaluation (of this quantised artifact)

${metricsTable(m.metrics)}

Per class on ${evalSplit}:

${perClassTable(main, m.classes)}

## Known failures and limits

${knownFailures(main, m.classes)
  .map((l) => `- ${l}`)
  .join("\n")}
- Expression data sets are posed or scraped, labelled by a few people each, and skewed in age,
  skin tone and culture; accuracy for any one person can be far from the averages above.
- Lighting, glasses, beards, head turns and low resolution all lower accuracy; the coach should
  say "unclear" rather than guess.

## Training config

\`\`\`json
${JSON.stringify(m.training.config, null, 2)}
\`\`\`
`;
}

const TTA_TEXT: Record<ArtifactManifest["preprocessing"]["tta"], string> = {
  none: "",
  flip: " The same is done for the mirrored crop and averaged.",
  "flip-shift":
    " The same is done for the mirrored crop and averaged; models that see the crop itself also average it and its mirror shifted by 2 px up, down, left and right.",
  "flip-crop": " Models that see the crop itself do the same for the mirrored crop and average; models on face-api's features read the crop once.",
};

/** One sentence per member of the version, and how they are combined. */
function membersText(m: Omit<ArtifactManifest, "files">): string {
  const members = manifestMembers(m as ArtifactManifest);
  const one = (x: ModelMember) =>
    x.kind === "head"
      ? `frozen embeddings of ${x.backbones.join(" + ")} → a dense head (weights ${x.quantization})`
      : x.trunk
        ? `the frozen first ${x.trunk.blocks} blocks of ${x.trunk.id} → its fine-tuned top blocks and a new classifier (${x.architecture}; weights ${x.quantization})`
        : `the crop at ${x.input?.size ?? "?"} px → ${x.architecture} (weights ${x.quantization})`;
  if (members.length === 1) return `${one(members[0]!)}.`;
  const weighted = members.some((x) => x.weight !== undefined && x.weight !== members[0]!.weight);
  const total = members.reduce((sum, x) => sum + (x.weight ?? 1), 0);
  const share = (x: (typeof members)[number]) => (weighted ? ` (weight ${Math.round(((x.weight ?? 1) / total) * 100)}%, fitted on val)` : "");
  return `${members.length} models whose log-probabilities are averaged${weighted ? " with weights" : ""}:\n\n${members.map((x, i) => `${i + 1}. ${one(x)}${share(x)}`).join("\n")}\n`;
}
