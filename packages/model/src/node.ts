// Node-only entry (fs, native-backend probing); never import this from browser code.
export * from "./backend.node.ts";
export * from "./model-files.node.ts";
// Trainer (issue 4): decoding, the embedding cache, the training pipeline.
export * from "./image-decode.node.ts";
export * from "./training/embedding-store.node.ts";
export * from "./training/pipeline.node.ts";
export * from "./training/predict-images.node.ts";
export * from "./artifact/load.node.ts";
export * from "./training/folder-dataset.node.ts";
export * from "./training/ml-cache-import.node.ts";
export * from "./training/code-version.node.ts";
export * from "./training/finalize.node.ts";
export * from "./training/ensemble.node.ts";
