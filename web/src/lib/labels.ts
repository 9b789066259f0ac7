/* Labels for codes the API sends (status, source, category): the code's
 * text in the reader's language when there is one, else the code itself,
 * so a new code from a newer service still shows. */
type Translate = (key: string) => string;

export function label(group: string, code: string, t: Translate, te: (key: string) => boolean): string {
  const key = `${group}.${code}`;
  return te(key) ? t(key) : code;
}
