/** Distinct, readable colours for people on a card (text on them is white). */
const PALETTE = ['#2f5fd0', '#c0362c', '#1f7a4d', '#8a4fd0', '#b35c00', '#0f7c8c', '#c02c7a', '#5a6b12', '#6b4a2f', '#3d4fa8'];

/** A stable colour per user id. */
export function colorFor(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

/** Two letters for an avatar: the last two characters of a Chinese name, else the first two. */
export function initials(name: string): string {
  const n = name.trim();
  if (!n) return '?';
  if (/^[\u3400-\u9fff]/.test(n)) return n.slice(-2);
  const words = n.split(/\s+/).filter(Boolean);
  return (words.length > 1 ? words[0][0] + words[1][0] : n.slice(0, 2)).toUpperCase();
}
