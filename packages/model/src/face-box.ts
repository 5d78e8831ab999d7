// The face framing lives in the leaf package @mien/vocabulary (job configs default to it).
export * from "@mien/vocabulary/face-box";
