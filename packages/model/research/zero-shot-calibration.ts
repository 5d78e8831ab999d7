/**
 * Calibrates the packaged face-api expression net, which the coach runs until the trainer
 * publishes a model: fits the softmax temperature on FER2013 val and picks the abstain threshold
 * (the lowest top probability at which the val accuracy of the confident predictions reaches
 * --target). Prints JSON; the numbers are copied into src/artifact/zero-shot-expression-model.ts.
 *   pnpm --filter @mien/model exec tsx research/zero-shot-calibration.ts [--target 0.7]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";

import * as tf from "@tensorflow/tfjs";

import { decodeAll, listClassFolders } from "../scripts/lib/class-folders.ts";
import { runMain, SHARED_DATA } from "../scripts/lib/paths.ts";
import { ZERO_SHOT_CLASSES } from "../src/artifact/zero-shot-expression-model.ts";
import { classifyCanonical, loadZeroShot } from "../src/backbones/index.ts";
import { selectNodeBackend } from "../src/backend.node.ts";
import { EXPRESSION_CLASSES } from "../src/classes.ts";
import { expectedCalibrationError, fitTemperature, logProbs, report, softmaxWithTemperature } from "../src/metrics.ts";
import { nodeModelSources } from "../src/model-files.node.ts";

const { values } = parseArgs({ options: { val: { type: "string", default: "fer2013/val" }, target: { type: "string", default: "0.7" } } });

runMain(async () => {
  await selectNodeBackend();
  const root = join(SHARED_DATA, values.val!);
  const files = await listClassFolders(root);
  const images = await decodeAll(root, files);
  const net = await loadZeroShot("faceapi-expression", nodeModelSources());
  const k = ZERO_SHOT_CLASSES.length;
  const columns = ZERO_SHOT_CLASSES.map((c) => EXPRESSION_CLASSES.indexOf(c));
  const probs = new Float32Array(files.length * k);
  for (let i = 0; i < images.length; i += 256) {
    const batch = images.slice(i, i + 256);
    const canonical = classifyCanonical(net, batch);
    const p = tf.tidy(() => tf.gather(canonical, columns, 1));
    probs.set(await p.data(), i * k);
    tf.dispose([canonical, p]);
  }
  const labels = Int32Array.from(files, (f) => ZERO_SHOT_CLASSES.indexOf(f.label as (typeof ZERO_SHOT_CLASSES)[number]));
  const logits = logProbs(probs);
  const temperature = fitTemperature(logits, labels, k);
  const calibrated = softmaxWithTemperature(logits, k, temperature);
  const target = Number(values.target);

  // Accuracy of the predictions at or above each threshold, scanned in 0.01 steps.
  let abstainThreshold = 1;
  const curve: Array<{ threshold: number; coverage: number; accuracy: number }> = [];
  for (let t = 0.2; t <= 0.95 + 1e-9; t += 0.01) {
    let kept = 0;
    let right = 0;
    for (let i = 0; i < labels.length; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (calibrated[i * k + j]! > calibrated[i * k + best]!) best = j;
      if (calibrated[i * k + best]! < t) continue;
      kept++;
      if (best === labels[i]) right++;
    }
    const point = { threshold: Number(t.toFixed(2)), coverage: kept / labels.length, accuracy: kept ? right / kept : 0 };
    curve.push(point);
    if (abstainThreshold === 1 && point.accuracy >= target) abstainThreshold = point.threshold;
  }
  const r = report(calibrated, labels, k);
  const chosen = curve.find((p) => p.threshold === abstainThreshold);
  console.log(
    JSON.stringify(
      {
        split: values.val,
        n: labels.length,
        classes: ZERO_SHOT_CLASSES,
        temperature: Number(temperature.toFixed(3)),
        accuracy: Number(r.accuracy.toFixed(4)),
        macroF1: Number(r.macroF1.toFixed(4)),
        eceBefore: Number(expectedCalibrationError(probs, labels, k).toFixed(4)),
        eceAfter: Number(expectedCalibrationError(calibrated, labels, k).toFixed(4)),
        target,
        abstainThreshold,
        coverage: chosen && Number(chosen.coverage.toFixed(4)),
        accuracyWhenConfident: chosen && Number(chosen.accuracy.toFixed(4)),
      },
      null,
      2,
    ),
  );
});
