/** `1 backup`, `2 backups`, `1 fetch batch`: a count and its noun, agreeing. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
