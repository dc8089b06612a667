/**
 * zod as the runtime uses it (`@jobgen/runtime/zod`), for code that evaluates jobgen's validators
 * without loading the Redis side of the runtime, such as the CLI. Generated code imports `z` from
 * `@jobgen/runtime` itself.
 */
export { z } from "zod";
