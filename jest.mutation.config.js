/** The unit project alone, for StrykerJS: mutants are judged by the fast, mocked suite. */
const { projects } = require('./jest.config.js');

module.exports = projects.find((project) => project.displayName === 'unit');
