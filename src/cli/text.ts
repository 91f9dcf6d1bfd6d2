/** Messages on one line (the CLI prints one line per problem). */
export function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}
