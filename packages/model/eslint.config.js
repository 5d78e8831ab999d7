import config from "@mien/eslint-config";

// assembly/ is AssemblyScript (compiled by asc, with its own tsconfig), not TypeScript for tsc/eslint.
export default [{ ignores: ["assembly/**"] }, ...config];
