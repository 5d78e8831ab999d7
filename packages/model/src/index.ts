// Browser-safe entry: nothing here imports Node built-ins. Node-only helpers live in "./node".
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
export * from "./face-crop.ts";
export { BlazeFaceDetector, BLAZEFACE_FILE, BLAZEFACE_INPUT, letterbox, type DetectedFace, type DetectOptions, type Letterbox } from "./face-detect/blazeface.ts";
export {
  ZERO_SHOT_CLASSES,
  ZERO_SHOT_DESCRIPTION,
  ZERO_SHOT_VAL_METRICS,
  ZeroShotExpressionModel,
  type ModelDescription,
  type RunnableExpressionModel,
} from "./artifact/zero-shot-expression-model.ts";
export { CanvasFramer, type DrawableFrame } from "./face-crop-canvas.ts";
