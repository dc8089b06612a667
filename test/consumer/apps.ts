/** The fresh apps the consumer test installs the packed packages into: one per combination. */

/** The lowest TypeScript the packages support (README), and the current one. */
export const TYPESCRIPT_LOWEST = "~5.4.5";
export const TYPESCRIPT_CURRENT = "~6.0.3";

export interface ConsumerApp {
  readonly name: string;
  readonly module: "esm" | "cjs";
  readonly typescript: string;
  packageJson(): object;
  tsconfig(): object;
}

const STRICT = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
  target: "ES2022",
  lib: ["ES2023"],
  types: ["node"],
  outDir: "out",
  rootDir: ".",
};

function app(
  name: string,
  module: "esm" | "cjs",
  resolution: "nodenext" | "bundler",
  typescript: string,
): ConsumerApp {
  return {
    name,
    module,
    typescript,
    packageJson: () => ({ name, private: true, type: module === "esm" ? "module" : "commonjs" }),
    tsconfig: () => ({
      compilerOptions: {
        ...STRICT,
        ...(resolution === "nodenext"
          ? { module: "NodeNext", moduleResolution: "NodeNext" }
          : { module: "ESNext", moduleResolution: "Bundler" }),
      },
      include: ["src", "generated"],
    }),
  };
}

export const APPS: readonly ConsumerApp[] = [
  app("esm-nodenext-ts-current", "esm", "nodenext", TYPESCRIPT_CURRENT),
  app("cjs-nodenext-ts-current", "cjs", "nodenext", TYPESCRIPT_CURRENT),
  app("esm-bundler-ts-current", "esm", "bundler", TYPESCRIPT_CURRENT),
  app("esm-nodenext-ts-lowest", "esm", "nodenext", TYPESCRIPT_LOWEST),
  app("cjs-nodenext-ts-lowest", "cjs", "nodenext", TYPESCRIPT_LOWEST),
  app("esm-bundler-ts-lowest", "esm", "bundler", TYPESCRIPT_LOWEST),
];
