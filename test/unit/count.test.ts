import { count } from '../../src/count';

describe('Function: count', () => {
  it.each([
    [0, 'backup', undefined, '0 backups'],
    [1, 'backup', undefined, '1 backup'],
    [2, 'backup', undefined, '2 backups'],
    [1, 'fetch batch', 'fetch batches', '1 fetch batch'],
    [3, 'fetch batch', 'fetch batches', '3 fetch batches'],
    [1, 'retry', 'retries', '1 retry'],
  ])('%d %s is "%s"', (n, one, many, text) => {
    expect(count(n, one, many)).toBe(text);
  });
});
