// Money is an integer in minor units with an ISO 4217 currency. These turn it
// into text (Intl.NumberFormat) and read a typed price back, without ever
// doing arithmetic on fractional numbers.

const formats = new Map<string, Intl.NumberFormat>();

function formatter(currency: string): Intl.NumberFormat {
  let f = formats.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    } catch {
      f = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    formats.set(currency, f);
  }
  return f;
}

/** Digits after the decimal point in `currency` (USD 2, JPY 0). */
export function fractionDigits(currency: string): number {
  return formatter(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** 1250 USD -> "$12.50" (in the reader's locale). */
export function formatMoney(minor: number, currency: string): string {
  // Below 2^53 / 10^digits the division is exact enough that the formatter's
  // rounding to `digits` places gives back the integer's digits.
  return formatter(currency).format(minor / 10 ** fractionDigits(currency));
}

/** "$12.50" or "$12.50 – $15.00". */
export function formatPriceRange(min: number, max: number | undefined, currency: string): string {
  if (max === undefined || max <= min) return formatMoney(min, currency);
  return `${formatMoney(min, currency)} – ${formatMoney(max, currency)}`;
}

/** 1250 USD -> "12.50": the value to put in a price field. */
export function minorToInput(minor: number, currency: string): string {
  const d = fractionDigits(currency);
  if (d === 0) return String(minor);
  const s = String(Math.abs(minor)).padStart(d + 1, '0');
  return `${minor < 0 ? '-' : ''}${s.slice(0, -d)}.${s.slice(-d)}`;
}

/** "12.5" USD -> 1250; null when the text is not an amount of that currency. */
export function parseMoney(text: string, currency: string): number | null {
  const d = fractionDigits(currency);
  const m = /^(\d{1,12})(?:[.,](\d*))?$/.exec(text.trim());
  if (!m) return null;
  const frac = m[2] ?? '';
  if (frac.length > d) return null;
  return Number(m[1]) * 10 ** d + (frac ? Number(frac.padEnd(d, '0')) : 0);
}
