// The model registry: atomic publishing of content-addressed versions, the `active` alias with
// promote and roll back, and reading versions back for the web routes.
export { publishVersion, verifyVersionFiles, PublishError, type PublishInput, type PublishedVersion } from "./publish.ts";
export { promoteVersion, rollbackAlias, rollbackTarget, AliasError, type AliasMove } from "./aliases.ts";
export { activeModel, findVersion, readVersionFile, type ActiveModel, type VersionFile, type VersionRow } from "./read.ts";
export { registerVersionDir } from "./register-dir.ts";
export { ACTIVE_ALIAS, versionFileKey, versionPrefix, stagingPrefix } from "./keys.ts";
export { ensureEvalScores } from "./eval-scores.ts";
