import packageJson from "../package.json" with { type: "json" };

/** jobgen's version, as printed in generated headers and by `jobgen --version`. */
export const JOBGEN_VERSION: string = packageJson.version;
