/**
 * QPV (quartier prioritaire de la politique de la ville) codes.
 * - 2024 list (décret 2023-1314): `QN` + département on 3 characters + 2-digit order + letter, e.g. `QN09301M`.
 * - 2015 list: `QP` + département on 3 characters + 3-digit order, e.g. `QP093028`.
 * The département part must be the QRR's département.
 */
const QPV_2024 = /^QN(\d{2}[0-9AB]|97\d)(\d{2})([A-Z])$/;
const QPV_2015 = /^QP(\d{2}[0-9AB]|97\d)(\d{3})$/;

/** The département as it appears inside a QPV code: '93' → '093', '2A' → '02A', '971' → '971'. */
export const qpvDepartementPart = (departementCode: string): string => departementCode.padStart(3, '0');

export const normaliseQpvCode = (code: string): string => code.trim().toUpperCase().replace(/\s+/g, '');

/** null when valid for the département, otherwise the French reason. */
export function qpvCodeProblem(code: string, departementCode: string): string | null {
  const normalised = normaliseQpvCode(code);
  const match = QPV_2024.exec(normalised) ?? QPV_2015.exec(normalised);
  if (!match) {
    return `« ${code} » n'est pas un code QPV : attendu QN + département + numéro + lettre (ex. QN09301M) ou, pour la liste de 2015, QP + département + numéro (ex. QP093028).`;
  }
  if (match[1] !== qpvDepartementPart(departementCode)) {
    return `Le QPV « ${normalised} » appartient à un autre département (${match[1]!.replace(/^0/, '')}).`;
  }
  return null;
}
