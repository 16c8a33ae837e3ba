import { pinyin } from 'pinyin-pro';

const HAN = /[\u3400-\u9fff]/;

/**
 * What a search box should find a value by: the text itself, and for Chinese its pinyin in
 * full and as initials (张三 → "zhangsan zs"); for phone numbers also the bare digits.
 */
export function searchTerms(value: string, kind: 'text' | 'phone' = 'text'): string {
  const text = value.trim().toLowerCase();
  if (!text) return '';
  const terms = [text];
  if (HAN.test(text)) {
    // Two-character words on their own: trigram indexes cannot find a two-character query
    // inside longer text, but they can find it as a whole word (" 贸易 ").
    for (const run of text.match(/[\u3400-\u9fff]{3,}/g) ?? []) {
      for (let i = 0; i + 2 <= run.length; i++) terms.push(run.slice(i, i + 2));
    }
    const syllables = pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive' }).map((s) => s.toLowerCase().replace(/\s+/g, ''));
    terms.push(syllables.join(''), syllables.map((s) => s[0] ?? '').join(''));
  }
  if (kind === 'phone') terms.push(text.replace(/\D/g, ''));
  return terms.join(' ');
}

/** The query side: lower-case, and a phone-looking query also searched without separators. */
export function normaliseQuery(q: string): string[] {
  const text = q.trim().toLowerCase();
  const digits = text.replace(/[\s\-().+]/g, '');
  return /^\d{3,}$/.test(digits) && digits !== text ? [text, digits] : [text];
}

/** A two-character Chinese query is matched as a whole word of search_text, which the trigram index serves. */
export function isHanPair(q: string): boolean {
  return /^[\u3400-\u9fff]{2}$/.test(q.trim());
}
