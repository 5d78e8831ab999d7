/**
 * Where each screening signal becomes an automatic flag. Chosen by looking at the
 * facial-expressions corpus (13.7k images); the reasoning is next to each number.
 */
export const THRESHOLDS = {
  /**
   * Sharpness (blur.ts: the share of edge strength a 5×5 box blur removes, at 160 px). On 300
   * plain corpus photos the lowest 2% sit below 0.12; Gaussian blur on 160 px faces brings
   * σ 2.5 to 0.06–0.11 and σ 4 to 0.02–0.06 (40 of 40 each below 0.12), σ 1.5 stays above.
   * The import's Laplacian variance (blurScore, still stored and sortable) caught 16 of 40 at
   * σ 2.5 for the same false flags: it rises and falls with contrast. bench:signals checks it.
   */
  sharpness: 0.12,
  /**
   * The import's sharpness score (Laplacian variance at 64 px), kept for sorting and for images
   * screened before sharpness existed: below 30 is the blurriest 0.7% of the corpus.
   */
  blurScore: 30,
  /** Grey-level std-dev. Below 12 an image is practically one flat tone; the corpus minimum is 20. */
  contrast: 12,
  /** Detector confidence for counting a face (MediaPipe's own default). */
  faceScore: 0.5,
  /**
   * OCR text evidence (ocr.ts readingOf: letters read in one proposed line, weighted by
   * confidence, over 10). 0.3 flagged 1–1.7% of plain corpus photos in planted sets (hair and
   * teeth read as "fan", "Jan") and 79–83% of planted captions; 0.34 keeps false flags near 1%.
   * bench:signals measures it.
   */
  ocrScore: 0.34,
  /**
   * Near-duplicates: candidate pairs within this Hamming distance of their 64-bit pHash…
   * (aligned face crops of different people reach 6–10, so the hash alone is not enough)…
   */
  duplicateHamming: 10,
  /**
   * …are kept when their 48×48 grey thumbnails correlate at least this much after the best shift
   * and ±6% scale (duplicates.ts alignedCorrelation: copies cropped a few per cent still match).
   */
  duplicateCorrelation: 0.95,
  /**
   * Mislabel flag (mislabel.ts confidentLearning): an image is flagged when its given label's
   * probability is below this × its class's threshold t_y (the mean probability of that class
   * over the images labelled with it) and another class reaches its own threshold and beats it.
   * MEASUREMENTS_PENDING
   */
  mislabelGivenFactor: 1,
  mislabelGivenCeiling: 0.07,
} as const;

export type Thresholds = typeof THRESHOLDS;
