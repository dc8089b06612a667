// Every error class the runtime exports carries a code from the closed list, one code per class.
import { describe, expect, it } from "vitest";
import * as contract from "../../runtime/contract.js";
import * as errors from "../../runtime/errors.js";
import * as runtime from "../../runtime/index.js";
import * as validation from "../../runtime/wire/validation.js";

/** How to make one instance of each error class (constructors differ). */
const INSTANCES: Record<string, () => Error> = {
  ValidationError: () => new errors.ValidationError("send_email", [{ path: ["to"], message: "bad" }]),
  PermanentError: () => new errors.PermanentError("no"),
  RetryAfterError: () => new errors.RetryAfterError(1000),
  QueueFullError: () => new errors.QueueFullError("default", 10),
  UnknownTaskError: () => new errors.UnknownTaskError("nope"),
  TaskTimeoutError: () => new errors.TaskTimeoutError("send_email", 10),
  PayloadTooLargeError: () => new errors.PayloadTooLargeError("big"),
  ConfigError: () => new errors.ConfigError("bad option"),
  ClosedError: () => new errors.ClosedError("closed"),
  RedisError: () => new errors.RedisError("down"),
  TaskRejectedError: () => new validation.TaskRejectedError("malformed", "no type"),
};

/** Every exported class that is an Error subclass (abstract JobgenError aside). */
function errorClasses(...modules: Record<string, unknown>[]): string[] {
  const names = new Set<string>();
  for (const module of modules) {
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === "function" && value.prototype instanceof Error && name !== "JobgenError")
        names.add(name);
    }
  }
  return [...names].sort();
}

describe("error codes", () => {
  const classes = errorClasses(errors, runtime, contract, validation);

  it("knows how to build every exported error class", () => {
    expect(classes).toEqual(Object.keys(INSTANCES).sort());
  });

  it.each(classes)("%s carries a code from ERROR_CODES and is a JobgenError", (name) => {
    const error = INSTANCES[name]!();
    expect(error).toBeInstanceOf(errors.JobgenError);
    expect(errors.ERROR_CODES).toContain((error as errors.JobgenError).code);
    expect(error.name).toBe(name);
  });

  it("gives each class its own code", () => {
    const codes = classes.map((name) => (INSTANCES[name]!() as errors.JobgenError).code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
