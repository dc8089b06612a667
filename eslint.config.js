// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "**/dist/**",
      ".tmp/**",
      "test/types/fixtures/**",
      "test/fixtures/**",
      "coverage/**",
      "bench/results/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Generated files open with a blanket `/* eslint-disable */` (code nobody edits by hand must not
    // fail a user's lint rules); that directive may suppress nothing, which must not warn either.
    files: ["generated/**"],
    linterOptions: { reportUnusedDisableDirectives: "off" },
  },
  {
    languageOptions: {
      globals: { process: "readonly", console: "readonly", setTimeout: "readonly", clearTimeout: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
