/**
 * OWASP « CSV injection »: a cell whose text begins with = + - @ (or a tab or
 * carriage return, which some spreadsheets skip before reading a formula) is
 * run as a formula when the file is opened. Beneficiary names and comments can
 * come from colleagues' files: such a text is written with a leading
 * apostrophe, which spreadsheets read as « text ». Numbers are never passed
 * here: they stay numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export const startsLikeFormula = (text: string): boolean => FORMULA_START.test(text);

export const neutraliseFormula = (text: string): string => (startsLikeFormula(text) ? `'${text}` : text);
