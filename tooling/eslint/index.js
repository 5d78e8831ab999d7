// Shared flat config: typescript-eslint's recommended rules with type information off
// (fast enough to lint on every CI run).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/.next/**", "**/generated/**", "**/dist/**", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "off",
      // Domain code throws AppError (@mien/errors); only packages/api/src/trpc.ts and routers/
      // know the transport (that package's config lets them; trpc-boundary.test.ts checks all files).
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "@trpc/server", message: "Throw AppError from @mien/errors; import tRPC's server side only in packages/api/src/trpc.ts and routers/." },
          ],
          patterns: [
            {
              group: ["@trpc/server/*"],
              message: "Import tRPC's server side only in packages/api/src/trpc.ts and routers/ (trpc.ts re-exports the adapters).",
            },
          ],
        },
      ],
    },
  },
);
