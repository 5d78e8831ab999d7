import type { ExpressionClass } from "@mien/model";

/**
 * Okabe–Ito, the palette people with any common colour-vision deficiency can tell apart. Colour
 * is never the only cue: every bar and box also carries the expression's name.
 */
export const OKABE_ITO = {
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
  gray: "#999999",
} as const;

export const EXPRESSION_COLOURS: Record<ExpressionClass, string> = {
  anger: OKABE_ITO.vermillion,
  contempt: OKABE_ITO.reddishPurple,
  disgust: OKABE_ITO.bluishGreen,
  fear: OKABE_ITO.blue,
  happiness: OKABE_ITO.orange,
  neutral: OKABE_ITO.gray,
  sadness: OKABE_ITO.skyBlue,
  surprise: OKABE_ITO.yellow,
};
