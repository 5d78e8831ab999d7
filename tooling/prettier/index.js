// Shared Prettier config: the width the code already keeps (160; lines over it are the outliers
// the issue counted), and imports sorted into node builtins, packages, @mien/*, then relative.
/** @type {import("prettier").Config} */
export default {
  printWidth: 160,
  plugins: ["@ianvs/prettier-plugin-sort-imports"],
  importOrder: ["<BUILTIN_MODULES>", "", "<THIRD_PARTY_MODULES>", "", "^@mien/(.*)$", "", "^[.]"],
  importOrderTypeScriptVersion: "5.9.3",
};
