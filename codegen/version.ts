import { readFileSync } from "node:fs";

/**
 * The version in the `jobgen` package's own package.json: the nearest one named `jobgen` above this
 * module, which is `codegen/package.json` both for the sources and for the compiled `dist/`.
 */
function packageVersion(): string {
  for (const path of ["./package.json", "../package.json"]) {
    try {
      const json = JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (json.name === "jobgen" && json.version !== undefined) return json.version;
    } catch {
      // not this one: try the next folder up
    }
  }
  throw new Error("jobgen: cannot find the package.json of the jobgen package");
}

/** jobgen's version, as printed in generated headers and by `jobgen --version`. */
export const JOBGEN_VERSION: string = packageVersion();
