// The class taxonomy lives in the leaf package @mien/vocabulary (db, jobs and dataset use it without the model).
export * from "@mien/vocabulary/classes";
