#!/usr/bin/env node
import { buildAdmin, buildApi } from './lib/build.mjs';
import { ensureNodeModules } from './lib/proc.mjs';

ensureNodeModules();
buildApi();
if (process.argv[2] !== 'api') buildAdmin();
