import { AppConfigValues, ConfigError, parseConfig } from './config.schema';

/** Typed, validated configuration. The only place (with config.schema.ts) that reads process.env. */
export class AppConfig {
  constructor(readonly values: Readonly<AppConfigValues>) {}

  get<K extends keyof AppConfigValues>(key: K): AppConfigValues[K] {
    return this.values[key];
  }

  get isProduction(): boolean {
    return this.values.NODE_ENV === 'production';
  }
}

let cached: AppConfig | undefined;

/** Loads config from process.env once; on error prints which variable is wrong and exits. */
export function loadConfigOrExit(): AppConfig {
  if (cached) return cached;
  try {
    cached = new AppConfig(Object.freeze(parseConfig(process.env)));
    return cached;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tollgate: ${err.message}\nSee .env.example for every variable.\n`);
      process.exit(78);
    }
    throw err;
  }
}
