// Browser-safe entry: nothing here imports Node built-ins. Node-only helpers live in "./node"; the
// class taxonomy alone (no TF.js) is "./classes", for servers that only need labels.
export * from "./classes.ts";
export * from "./preprocess.ts";
export * from "./backend.ts";
export * from "./model-files.ts";
export * from "./metrics.ts";
export * from "./head.ts";
export * from "./backbones/index.ts";
export { FACE_API_EXPRESSION_LABELS } from "./backbones/faceapi-expression.ts";
export { HUMAN_EMOTION_LABELS } from "./backbones/human-emotion.ts";
export { landmarkGeometry } from "./backbones/faceapi-landmarks.ts";
export * from "./artifact/manifest.ts";
export type { ExpressionModel } from "./artifact/expression-model.ts";
