#!/usr/bin/env node
// The jobgen CLI entry: registers tsx so the TypeScript sources run as they are, then hands over.
import { register } from "tsx/esm/api";

register();
await import("../codegen/cli.ts");
