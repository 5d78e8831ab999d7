import base from "@mien/eslint-config";

export default [
  ...base,
  // The transport's own files: the only ones that may import @trpc/server.
  { files: ["src/trpc.ts", "src/routers/**"], rules: { "no-restricted-imports": "off" } },
];
