import { baseTestEnv } from './test-env';

// Every integration suite starts from the same test configuration; suites set DATABASE_URL themselves.
for (const [k, v] of Object.entries(baseTestEnv())) process.env[k] ??= v;
