export { pinEvalSet, pinEvalSetInput, evalSetHash, type PinEvalSetInput } from "./pin.ts";
export { listEvalSets, compareOnSet, flippedImages, compareInput, type StoredPredictions } from "./scores.ts";
export { evaluationQueueFromEnv, closeEvaluationQueue, queueMissingScores } from "./queue.ts";
