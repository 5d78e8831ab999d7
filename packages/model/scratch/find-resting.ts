import { readFileSync } from "node:fs";

import * as tf from "@tensorflow/tfjs";

import { loadExpressionModelFromDir } from "../src/artifact/load.node.ts";
import { selectNodeBackend } from "../src/backend.node.ts";
import { cropFaces } from "../src/face-crop.ts";
import { WEBCAM_FACE_DETECTOR } from "../src/face-detect/config.ts";
import { FaceDetector } from "../src/face-detect/detector.ts";
import { nodeModelSources } from "../src/model-files.node.ts";
import { DEMO_IMAGES, webcamFrame } from "../src/testing/webcam-frame.ts";

await selectNodeBackend({ log: () => {} });
const detector = await FaceDetector.load(nodeModelSources().human, WEBCAM_FACE_DETECTOR);
const model = await loadExpressionModelFromDir("/work/main/models/default");
const legend = readFileSync(`${DEMO_IMAGES}../legend.csv`, "utf8")
  .split("\n")
  .slice(1)
  .map((l) => l.split(","))
  .filter((r) => r.length > 2);
const out: string[] = [];
for (const row of legend) {
  const image = row[1]!;
  const label = row[2]!;
  if (
    !["Abner_Martinez_0001.jpg", "Augustin_Calleri_0004.jpg", "Anette_Hosoi_0001.jpg", "Alessandra_Cerna_0001.jpg"].includes(image) &&
    !/surprise/i.test(label)
  )
    continue;
  const frame = await webcamFrame([{ image, left: 180, top: 100, size: 280 }]);
  const [face] = await detector.detect(frame);
  if (!face) {
    frame.dispose();
    continue;
  }
  const crops = cropFaces(frame, [face.box], { size: 112, framing: model.manifest.preprocessing.faceBox, colour: model.manifest.preprocessing.colour });
  const p = [...(await model.predict(crops).data())];
  tf.dispose([frame, crops]);
  const i = p.indexOf(Math.max(...p));
  out.push(
    `${model.classes[i]} ${p[i]!.toFixed(2)} sad=${p[model.classes.indexOf("sadness")]!.toFixed(2)} neu=${p[model.classes.indexOf("neutral")]!.toFixed(2)} ${label} ${image}`,
  );
}
console.log(out.join("\n"));
console.log(out.find((l) => l.includes("Alessandra_Cerna_0001")));
