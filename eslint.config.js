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
    // The dashboard page's script runs in the browser, as plain JavaScript (no build step).
    files: ["runtime/dashboard/page/**/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: {
        document: "readonly",
        window: "readonly",
        location: "readonly",
        history: "readonly",
        sessionStorage: "readonly",
        fetch: "readonly",
        URLSearchParams: "readonly",
        Node: "readonly",
        CSS: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
      },
    },
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
