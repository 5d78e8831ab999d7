/**
 * Where each screening signal becomes an automatic flag. Chosen by looking at the
 * facial-expressions corpus (13.7k images); the reasoning is next to each number.
 */
export const THRESHOLDS = {
  /**
   * Variance of the Laplacian at 64×64 (see @mien/dataset's blurScore). Below 30 (the blurriest
   * 0.7% of the corpus) the images are upscaled thumbnails of 20–40 px or out of focus; the
   * corpus median is 395.
   */
  blurScore: 30,
  /** Grey-level std-dev. Below 12 an image is practically one flat tone; the corpus minimum is 20. */
  contrast: 12,
  /** Detector confidence for counting a face (MediaPipe's own default). */
  faceScore: 0.5,
  /**
   * OCR: the best word's confidence, weighted down for words under 5 letters or digits (see
   * readingOf). On the 13,680 corpus faces the highest score is 0.58 (teeth read as "cove"):
   * the corpus has no captions. Captions drawn over faces score 0.75–0.96 when they hold a word
   * of 4+ letters; a three-letter one ("DAD", 0.58) still ranks high in the text queue.
   */
  ocrScore: 0.6,
  /**
   * Near-duplicates: candidate pairs within this Hamming distance of their 64-bit pHash…
   * (aligned face crops of different people reach 6–10, so the hash alone is not enough)…
   */
  duplicateHamming: 10,
  /** …are kept when their 32×32 grey thumbnails correlate at least this much (same photo, re-encoded or re-cut frames). */
  duplicateCorrelation: 0.95,
} as const;

export type Thresholds = typeof THRESHOLDS;
