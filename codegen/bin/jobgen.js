#!/usr/bin/env node
// The jobgen CLI entry: the compiled CLI in dist/.
import "../dist/cli.js";
