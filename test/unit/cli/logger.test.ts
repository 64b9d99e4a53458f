import { PassThrough } from 'node:stream';
import { createLogger, useColor } from '../../../src/cli/logger';

describe('Function: useColor', () => {
  it('colours a terminal unless NO_COLOR; FORCE_COLOR colours anywhere', () => {
    expect(useColor({}, true)).toBe(true);
    expect(useColor({}, false)).toBe(false);
    expect(useColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(useColor({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(useColor({ FORCE_COLOR: '0' }, true)).toBe(true);
    expect(useColor({ FORCE_COLOR: '0', NO_COLOR: '1' }, true)).toBe(false);
  });
});

describe('Function: createLogger', () => {
  it.each(['json', 'pretty'] as const)('redacts values in %s output', (format) => {
    const sink = new PassThrough();
    const lines: string[] = [];
    sink.on('data', (d) => lines.push(String(d)));
    const logger = createLogger(format, 'debug', sink);
    logger.info(
      { Value: 'SECRET-1', parameter: { Name: '/a', Value: 'SECRET-2' }, parameters: [{ Value: 'SECRET-3' }] },
      'hello',
    );
    const text = lines.join('');
    expect(text).toContain('hello');
    expect(text).not.toMatch(/SECRET-\d/);
  });
});
