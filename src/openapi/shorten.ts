/**
 * Shortening texts to ChatGPT's limits at a sentence or word boundary.
 * @see platform-facts.md "summary/description <= 300 chars per operation; parameter description <= 700"
 */

export const OPERATION_TEXT_LIMIT = 300;
export const PROPERTY_DESCRIPTION_LIMIT = 700;

/**
 * Returns `text` unchanged when it fits, else the longest prefix that ends a sentence (when that keeps
 * at least 40 % of the limit), else the longest prefix that ends a word, followed by "…".
 * Lengths are UTF-16 code units, which never undercount what the importer counts.
 */
export function shortenText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const floor = Math.floor(limit * 0.4);
  const window = text.slice(0, limit + 1);
  let sentenceEnd = -1;
  for (const m of window.matchAll(/[.!?。](?=\s|$)|\n/g)) {
    const end = m[0] === '\n' ? m.index : m.index + 1;
    if (end <= limit && end >= floor) sentenceEnd = end;
  }
  if (sentenceEnd > 0) return window.slice(0, sentenceEnd).trimEnd();
  const room = window.slice(0, limit); // room for "…"
  const space = room.search(/\s\S*$/);
  let cut = space >= floor ? space : limit - 1;
  if (/[\uD800-\uDBFF]/.test(text.charAt(cut - 1))) cut -= 1; // never split a surrogate pair
  return `${text.slice(0, cut).trimEnd().replace(/[\s,;:–—-]+$/, '')}…`;
}
