/**
 * Conv architectures an admin can choose for training from scratch (browser-safe: no TF.js).
 * Each is a compact VGG-style stack measured on this project's 2-core machine; see
 * `pnpm bench:kernels` for its training throughput.
 */
export const CNN_ARCHITECTURES = {
  "cnn-s": { label: "Small CNN (16·32·64·128, 0.3 M parameters)", stages: [16, 32, 64, 128], convs: 2 },
  "cnn-sw": { label: "Small CNN, wide top (16·32·96·192, 0.6 M parameters)", stages: [16, 32, 96, 192], convs: 2 },
  "cnn-m": { label: "Medium CNN (32·64·128·256, 1.2 M parameters)", stages: [32, 64, 128, 256], convs: 2 },
} as const;
export type CnnArchitectureId = keyof typeof CNN_ARCHITECTURES;
export const CNN_ARCHITECTURE_IDS = Object.keys(CNN_ARCHITECTURES) as CnnArchitectureId[];

/** Backbones whose top blocks `finetune` can train, with their block count (see backbones/trunks.ts). */
export const FINETUNE_BACKBONES = { "faceapi-expression": { blocks: 4, label: "face-api expression net (112 px, 4 dense blocks)" } } as const;
export type FinetuneBackboneId = keyof typeof FINETUNE_BACKBONES;
export const FINETUNE_BACKBONE_IDS = Object.keys(FINETUNE_BACKBONES) as FinetuneBackboneId[];

/** Training from pixels sees gray faces of this size (FER2013's own). */
export const SCRATCH_INPUT_SIZE = 48;
