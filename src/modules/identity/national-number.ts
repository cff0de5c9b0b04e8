/**
 * Belgian national register numbers (rijksregisternummer / numéro de registre national): 11 digits
 * YYMMDDSSSCC. The check number CC is 97 − (YYMMDDSSS mod 97); for people born in 2000 or later the
 * computation is done on "2" followed by the nine digits. Dots, dashes and spaces are ignored.
 */
export function normalizeNationalNumber(input: string): string {
  return input.replace(/[.\-\s]/g, '');
}

/** The century the checksum indicates (19 or 20), or null when the checksum is wrong under both rules. */
export function nationalNumberCentury(input: string): 19 | 20 | null {
  const nn = normalizeNationalNumber(input);
  if (!/^\d{11}$/.test(nn)) return null;
  const base = nn.slice(0, 9);
  const check = Number(nn.slice(9));
  if (97 - (Number(base) % 97) === check) return 19;
  if (97 - (Number(`2${base}`) % 97) === check) return 20;
  return null;
}

export function isValidNationalNumber(input: string): boolean {
  return nationalNumberCentury(input) !== null;
}

/** Builds a valid national number from a birth date (YYYY-MM-DD) and a serial (1..997; odd = man, even = woman). */
export function makeNationalNumber(birthdate: string, serial: number): string {
  const [y, m, d] = birthdate.split('-');
  const base = `${y.slice(2)}${m}${d}${String(serial).padStart(3, '0')}`;
  const n = Number(y) >= 2000 ? Number(`2${base}`) : Number(base);
  return `${base}${String(97 - (n % 97)).padStart(2, '0')}`;
}
