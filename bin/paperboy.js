#!/usr/bin/env node
// Runs the compiled CLI (npm's `prepare` builds dist/ on install).
import '../dist/main.js';
