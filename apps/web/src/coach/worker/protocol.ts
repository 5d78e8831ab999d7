import type { Box, ExpressionClass } from "@mien/model";

/** Where the worker fetches the app-served packaged files (URL prefixes ending in "/"). */
export interface PackagedUrls {
  faceApi: string;
  human: string;
  wasm: string;
}

/** What GET /api/models/active answers when an admin has promoted a version. */
export interface ActiveModelRef {
  version: number | string;
  contentHash: string;
  name: string;
  /** "/api/models/<contentHash>/" */
  baseUrl: string;
  /** The expressions it reads, as the registry names them (absent from older answers). */
  classes?: readonly ExpressionClass[];
}

/**
 * What the page tells the worker about the registry: the promoted version, null when none is
 * promoted, or "unreachable" when the registry did not answer (offline): then the worker runs the
 * version that last loaded on this device, whose files it keeps.
 */
export type ActiveModelAnswer = ActiveModelRef | null | "unreachable";

/** The model the worker runs, as the page shows it. */
export interface LoadedModel {
  /** The published content hash, or "packaged:<package>@<version>". */
  key: string;
  name: string;
  /** The registry's version, or null for the packaged model. */
  version: string | null;
  source: "registry" | "packaged";
  classes: ExpressionClass[];
  abstainThreshold: number;
  /** Where the model card is. */
  cardUrl: string;
  /** Why a promoted version is not the one running, when it is not. */
  fallbackReason?: string;
}

export interface FaceOut {
  box: Box;
  score: number;
}

export type ToWorker =
  | { type: "init"; urls: PackagedUrls; active: ActiveModelAnswer; backends?: string[] }
  | { type: "frame"; id: number; bitmap: ImageBitmap }
  | { type: "active-model"; active: ActiveModelAnswer };

export interface Reading {
  type: "reading";
  id: number;
  frameWidth: number;
  frameHeight: number;
  faces: FaceOut[];
  /** Calibrated class probabilities in `modelKey`'s class order, when exactly one face is in view. */
  probabilities: number[] | null;
  modelKey: string;
  /** Worker-side milliseconds: frame to tensor, face detection, crop + classification, and all three. */
  timings: { pixelsMs: number; detectMs: number; classifyMs: number; totalMs: number };
}

export type FromWorker =
  | { type: "ready"; backend: string; backendNotes: string[]; model: LoadedModel }
  | { type: "model-changed"; model: LoadedModel }
  | Reading
  | { type: "frame-error"; id: number; message: string }
  | { type: "fatal"; message: string };
