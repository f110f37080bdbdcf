/**
 * Prusa model identification. Sources for every entry are in this plugin's README (Prusa's Buddy
 * firmware model table, the Connect SDK, Prusa-Link and PrusaSlicer's PrusaResearch.ini).
 */

export const PRUSA_MODELS = ['MINI', 'MK3', 'MK3S', 'MK3.5', 'MK3.5S', 'MK3.9', 'MK3.9S', 'MK4', 'MK4S', 'XL', 'CORE One', 'CORE One L'] as const;
export type PrusaModel = (typeof PRUSA_MODELS)[number];

/** Printer-type triples as Prusa Connect and the firmware report them ("1.4.0"). */
export const TYPE_TRIPLES: Readonly<Record<string, PrusaModel>> = {
  '1.3.0': 'MK3',
  '1.3.1': 'MK3S',
  '1.3.5': 'MK3.5',
  '1.3.6': 'MK3.5S',
  '1.3.9': 'MK3.9',
  '1.3.10': 'MK3.9S',
  '1.4.0': 'MK4',
  '1.4.1': 'MK4S',
  '2.1.0': 'MINI',
  '3.1.0': 'XL',
  '7.1.0': 'CORE One',
};

/** G-code printer check codes (M862.2), with the MMU variants' prefixed codes. */
export const CHECK_CODES: Readonly<Record<string, PrusaModel>> = {
  '300': 'MK3',
  '20300': 'MK3',
  '302': 'MK3S',
  '20302': 'MK3S',
  '230': 'MK3.5',
  '30230': 'MK3.5',
  '280': 'MK3.5S',
  '30280': 'MK3.5S',
  '210': 'MK3.9',
  '30210': 'MK3.9',
  '270': 'MK3.9S',
  '30270': 'MK3.9S',
  '130': 'MK4',
  '30130': 'MK4',
  '260': 'MK4S',
  '30260': 'MK4S',
  '120': 'MINI',
  '170': 'XL',
  '310': 'CORE One',
  '30310': 'CORE One',
};

/**
 * Model names from the firmware, PrusaSlicer's printer_model and PrusaLink, after normalising:
 * upper case; only the first of "A && B"; "Original", "Prusa", "PrusaLink" and a leading "i3"
 * removed; spaces, "+" and a trailing "Input Shaper", MMU (MMU2, MMU2S, MMU3) or "IS" dropped.
 */
export const MODEL_NAMES: Readonly<Record<string, PrusaModel>> = {
  MINI: 'MINI',
  MK3: 'MK3',
  MK3S: 'MK3S',
  'MK3.5': 'MK3.5',
  'MK3.5S': 'MK3.5S',
  'MK3.9': 'MK3.9',
  'MK3.9S': 'MK3.9S',
  MK4: 'MK4',
  MK4S: 'MK4S',
  XL: 'XL',
  XL2: 'XL',
  XL5: 'XL',
  COREONE: 'CORE One',
  COREONEL: 'CORE One L',
};

export function normaliseName(value: string): string {
  return value
    .toUpperCase()
    .split('&')[0] // "MK3S && MK3S+": one family, the first name is enough
    .replace(/ORIGINAL|PRUSALINK|PRUSA/g, '')
    .replace(/[\s+]/g, '')
    .replace(/^I3/, '')
    .replace(/INPUTSHAPER$/, '')
    .replace(/(MMU2S|MMU2|MMU3)$/, '')
    .replace(/IS$/, '');
}

/** A triple, a check code or a model name → the model; null when unknown. */
export function identifyPrusaModel(input: { model?: string | null; serial?: string | null }): PrusaModel | null {
  const raw = input.model?.trim();
  if (!raw) return null;
  return TYPE_TRIPLES[raw] ?? CHECK_CODES[raw] ?? MODEL_NAMES[normaliseName(raw)] ?? null;
}
