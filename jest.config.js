/** Three jest projects: unit (mocked SDK), e2e (built CLI against moto), pulumi (mock runtime). */
const esmPackages = ['p-retry', 'p-queue', 'p-timeout', 'is-network-error'].join('|');
const base = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': [
      'ts-jest',
      {
        tsconfig: {
          module: 'commonjs',
          moduleResolution: 'node10',
          allowJs: true,
          isolatedModules: true,
          esModuleInterop: true,
        },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages})/)`],
  clearMocks: true,
};

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...base, displayName: 'pulumi', testMatch: ['<rootDir>/test/pulumi/**/*.test.ts'] },
  ],
};
