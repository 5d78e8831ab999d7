/** The one sentence that says what Mien is for, used wherever the product introduces itself. */
export const PRODUCT_SENTENCE = "Mien helps you see what your own face is saying. It is a tool for self-discovery, never for reading other people.";
