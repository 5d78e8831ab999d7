export { default } from "@mien/eslint-config";
