import { type SeedParameter, secretValue } from './world';

/**
 * The benchmarks' parameters: mostly small values, every tenth one 6 KB (Advanced), a fifth
 * SecureString (a realistic mix); or, with `valueKb`, every value that size (the memory worst case).
 */
export function benchParameters(env: string, n: number, valueKb?: number): SeedParameter[] {
  return Array.from({ length: n }, (_, i) => {
    const name = `/bench/${env}/svc${i % 50}/p${String(i).padStart(6, '0')}`;
    if (valueKb)
      return {
        Name: name,
        Type: i % 5 === 1 ? 'SecureString' : 'String',
        Tier: 'Advanced',
        Value: `${secretValue(`k${i}`)}${'x'.repeat(valueKb * 1024 - 32)}`,
      };
    if (i % 10 === 0)
      return { Name: name, Type: 'String', Tier: 'Advanced', Value: `${secretValue('big')}${'x'.repeat(6000)}` };
    if (i % 5 === 1) return { Name: name, Type: 'SecureString', Value: secretValue(`s${i}`) };
    return { Name: name, Type: 'String', Value: `value-${i}-${'v'.repeat(60)}` };
  });
}
