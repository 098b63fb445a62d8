// One Jest config, three tiers. swc transforms TypeScript and the ESM-only @nestjs packages.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
    swcrc: false,
  },
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)sx?$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
  moduleNameMapper: {
    '^@tollgate/providers$': '<rootDir>/libs/providers/src/index.ts',
    '^@tollgate/providers/(.*)$': '<rootDir>/libs/providers/src/$1',
    '^@tollgate/billing$': '<rootDir>/libs/billing/src/index.ts',
    '^@tollgate/billing/(.*)$': '<rootDir>/libs/billing/src/$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.tollgate/'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/apps/**/*.int-spec.ts', '<rootDir>/libs/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/int-global-setup.ts',
      setupFiles: ['<rootDir>/test/support/int-env.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/int-timeout.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/e2e-global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/int-timeout.ts'],
    },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'], globalSetup: '<rootDir>/test/support/e2e-global-setup.ts', setupFilesAfterEnv: ['<rootDir>/test/support/int-timeout.ts'] },
  ],
};
