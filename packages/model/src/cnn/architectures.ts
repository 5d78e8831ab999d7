// The architecture catalogue lives in the leaf package @mien/vocabulary (job configs validate against it).
export * from "@mien/vocabulary/architectures";
