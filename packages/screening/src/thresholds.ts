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
   * Text over the face (text-evidence.ts readingOf: the text model's probability for the most
   * text-like proposed line). The model (text-model.json: one hidden layer of 16 over 16 features
   * per line, what was read, the line's look and its place in the frame) was fitted with
   * bench/text-fit.ts on text-study seeds 101, 202, 404, 505, 707, 808, 11, 22, 33, 44, 55, 66, 77
   * and 88 (120 captions and 300 plain photos each, all fonts), read at both line heights; this is
   * the score that flags 0.5% of their plain photos. There it finds 88.3–95.8% of each seed's
   * captions (21 of 4,200 plain photos flagged). On seeds 303, 909 and 1234, not fitted on, read as
   * ocr.ts reads: 94.2/90.0/90.0% with 1/4/0 of 300 flagged, where the logistic model it replaced
   * (six features, only lines with words) found 86.7/81.7/84.2% with 0/1/1. The gain is lines
   * whose words read poorly or not at all but that look like text and sit where captions do:
   * small text 55/40/65% → 75/70/80%, watermarks 80/75/60% → 100/85/70%. bench:signals measures it.
   */
  ocrScore: 0.686,
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
   * Mislabel flag (mislabel.ts confidentLearning): flagged when the given label's probability p_y
   * is below givenFactor × t_y (t_y: the mean p_y over the images labelled y, cleanlab's per-class
   * threshold) and below givenCeiling, and another class reaches its own threshold and beats p_y.
   * Measured with bench/mislabel-study.ts on every 8th FER2013 train image (3,589; val untouched),
   * 15% uniform flips, seed 14:
   * - Probabilities (AUROC of the self-confidence ranking): 5-fold logistic regression on the
   *   embeddings 0.83 (val), with flip TTA (train on faces and mirrors, average both) 0.857,
   *   face-api's own output calibrated 0.840, the mean of the last two 0.867 (their product 0.867).
   * - Ranking: 1 − p_y (self-confidence) beat the normalised margin (0.850) and p_y / t_y (0.845),
   *   so the review queue (mislabelScore) follows self-confidence.
   * - Flag: cleanlab's rule (p_y < t_y, another class ≥ its t) flagged 32.6% (precision 0.32,
   *   recall 0.70) and 25.5% of the clean set even with the zero-shot model alone. Shrinking t_y
   *   by a factor trades worse than an absolute ceiling: at a 9.5% flag rate, 0.2 × t_y reached
   *   precision 0.62 / recall 0.39 and p_y < 0.05 0.68 / 0.43 (a flipped label gets little
   *   probability whatever its class's threshold). Ceilings 0.05 / 0.06 / 0.07 / 0.08 flagged
   *   8.2 / 10.1 / 12.1 / 14.0% at precision 0.68 / 0.62 / 0.58 / 0.54 and recall 0.38 / 0.42 /
   *   0.47 / 0.51. 0.08 is the lowest ceiling with precision and recall both ≥ 0.5; t_y stays in
   *   the rule (factor 1) but never bound once the ceiling applied (identical flags at 0.07).
   *   With no flips planted the same rule flagged 9.4% (ceilings 0.05–0.07: 5.3–7.9%; cleanlab's
   *   rule 25.5% with the zero-shot model alone; f = 0.3 × t_y 11.6%).
   * - The ceiling again, with the reference model in the mix (MISLABEL_MIX below): the sharper mix
   *   leaves fewer flipped labels above 0.08 and 0.08 found 0.469 of val's flips. Train cannot
   *   tune it any more (the reference learnt train's labels), so the flips were planted in the
   *   curation corpus, which no model here was trained on: `bench:mislabel --corpus
   *   facial-expressions --per-class 400 --ceilings …` (1,924 photos, at most 400 per label, 15%
   *   uniform flips). Seed 14, ceilings 0.06 / 0.08 / 0.10 / 0.12 / 0.14: precision 0.87 / 0.81 /
   *   0.74 / 0.66 / 0.62, recall 0.33 / 0.40 / 0.46 / 0.49 / 0.51, 5.7–12.3% flagged, 1.4–4.9% of
   *   the unflipped sample. Seed 15 (another sample and other flips), 0.10 / 0.12 / 0.14 / 0.16 /
   *   0.18 / 0.20: precision 0.75 / 0.66 / 0.63 / 0.59 / 0.55 / 0.50, recall 0.51 / 0.57 / 0.59 /
   *   0.59 / 0.62 / 0.61, 3.8–7.7% of the unflipped sample. 0.14 is the lowest ceiling with
   *   precision and recall both ≥ 0.5 on both seeds (F1 0.56 and 0.61, near the top of both).
   *   bench:mislabel on the whole FER2013 val split checks it, 15% uniform flips: precision 0.543,
   *   recall 0.611, AUROC 0.912, 16.9% flagged; 9.8% of the unflipped split (0.08 there: 0.747 /
   *   0.469, 9.4%, and 5.4%). At 10% flips precision falls to 0.41, at 30% it rises to 0.74.
   */
  mislabelGivenFactor: 1,
  mislabelGivenCeiling: 0.14,
} as const;

export type Thresholds = typeof THRESHOLDS;

/**
 * Shares of the mislabel classifier's probabilities (mislabel.ts mixProbabilities; the
 * out-of-fold logistic regression gets the rest). Measured with bench/mislabel-study.ts on FER2013
 * val (3,589 images), 15% uniform flips, seed 14, AUROC of the self-confidence ranking:
 * out-of-fold + face-api zero-shot, half each, 0.875 (the mix before a reference existed);
 * the reference model alone (models/fer7-ensemble, 64.3% on these images) 0.920; out-of-fold,
 * zero-shot and reference a third each 0.904; a quarter, a quarter and a half 0.912; with
 * models/default (59.8%) as the reference instead 0.896 alone, 0.894 at a half.
 * The reference was trained on FER2013 train, so train cannot tune this (the reference remembers
 * its labels) and val chose among these four mixes: a half for the reference, the largest share
 * that still leaves the set's own labels (the out-of-fold model, the only source that knows
 * contempt) and the face-api net a say on data sets unlike FER2013. bench:mislabel on val, with
 * the faces read through the screening path (reference.ts), at 15% uniform flips: AUROC 0.913,
 * flag precision 0.747 at recall 0.469, 9.4% flagged; 5.4% of the clean split flagged (was 0.877,
 * 0.545 / 0.527 and 8.7% without the reference), all at the earlier ceiling of 0.08; the ceiling
 * was then chosen again for this mix on the curation corpus (above).
 */
export const MISLABEL_MIX = {
  reference: 0.5,
  zeroShot: 0.25,
  /** Without a reference (MIEN_SCREENING_REFERENCE=none): the out-of-fold model and face-api half each. */
  zeroShotAlone: 0.5,
} as const;
