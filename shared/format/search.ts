/**
 * Folds a name for searching the way people type it: « st denis » finds
 * « Saint-Denis », « epinay » finds « Épinay-sur-Seine ».
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[-'’.]/g, ' ')
    .replace(/\bste?\b/g, (m) => (m === 'st' ? 'saint' : 'sainte'))
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when every word typed starts a word of the name (or is contained in the INSEE code). */
export function matchesSearch(query: string, name: string, code = ''): boolean {
  const words = foldForSearch(query).split(' ').filter(Boolean);
  if (words.length === 0) return true;
  const target = foldForSearch(name);
  const targetWords = target.split(' ');
  return words.every((w) => targetWords.some((t) => t.startsWith(w)) || code.startsWith(w));
}
