// Browser-safe entry: nothing here imports Node built-ins. Node-only helpers live in "./node"; the
// class taxonomy alone (no TF.js) is "./classes", for servers that only need labels.
export * from "./classes.ts";
export * from "./preprocess.ts";
export * from "./backend.ts";
export * from "./model-files.ts";
export * from "./metrics.ts";
export * from "./head.ts";
export * from "./backbones/index.ts";
export * from "./backbones/offered.ts";
export { FACE_API_EXPRESSION_LABELS, FaceApiExpressionNet } from "./backbones/faceapi-expression.ts";
export { HUMAN_EMOTION_LABELS } from "./backbones/human-emotion.ts";
export { landmarkGeometry } from "./backbones/faceapi-landmarks.ts";
export * from "./artifact/manifest.ts";
export type { ExpressionModel } from "./artifact/expression-model.ts";
// Trainer, artifact and registry contract (issue 4).
export { loadExpressionModel, type LoadExpressionModelOptions } from "./artifact/load.ts";
export { headFiles, loadHead, shardPaths, HEAD_SHARD } from "./artifact/head-files.ts";
export { quantizeWeights, float32ToFloat16Bits, type Quantization } from "./artifact/quantize.ts";
export { sha256Hex } from "./artifact/sha256.ts";
export { toCropColour, type CropColour } from "./crop-colour.ts";
export { augmentBatch, drawAugmentation, transformRow, type AugmentationAmounts, type AugmentationDraw } from "./augment.ts";
export { evaluationReport, abstainThreshold, reliabilityBins } from "./training/evaluate.ts";
export { modelCard } from "./training/model-card.ts";
export { backboneProvenance, HUMAN_EMOTION_PROVENANCE, FACE_API_EXPRESSION_PEER_PROVENANCE } from "./training/provenance.ts";
export type { TrainingRecipe, TrainingImage, Split as TrainingSplit } from "./training/recipe.ts";
export type { EpochResult } from "./training/head-trainer.ts";
export * from "./face-crop.ts";
export { FaceDetector, faceFractions, type DetectedFace, type DetectOptions, type FaceBox } from "./face-detect/detector.ts";
export { PHOTO_FACE_DETECTOR, WEBCAM_FACE_DETECTOR, type FaceDetectorConfig } from "./face-detect/config.ts";
export { letterbox, type Letterbox } from "./face-detect/letterbox.ts";
export {
  ZERO_SHOT_CLASSES,
  ZERO_SHOT_DESCRIPTION,
  ZERO_SHOT_VAL_METRICS,
  ZeroShotExpressionModel,
  type ModelDescription,
  type RunnableExpressionModel,
} from "./artifact/zero-shot-expression-model.ts";
export { CanvasFramer, type DrawableFrame } from "./face-crop-canvas.ts";
export { mcnemarExact } from "./evaluation/mcnemar.ts";
export {
  compareModels,
  comparisonSentence,
  mcnemarFromOutcomes,
  scoreModel,
  scoreOnClasses,
  type ClassDelta,
  type Comparison,
  type McNemar,
  type ModelScores,
  type ScoredSet,
} from "./evaluation/compare.ts";
