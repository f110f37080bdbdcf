/**
 * OctoPrint knows a printer by the profile its user picked or the name its firmware announces
 * (M115 MACHINE_TYPE): "Creality Ender-3 V2", "ENDER3V2", "Prusa i3 MK3S", "Voron 2.4 350". These
 * are matched to a short list of models; anything else is left unidentified (reported as `other`).
 */
export const OCTOPRINT_MODELS = ['Ender 3', 'Ender 3 V2', 'Ender 3 S1', 'Ender 5', 'CR-10', 'Prusa MK3S', 'Voron 2.4', 'Voron Trident'] as const;
export type OctoPrintModel = (typeof OCTOPRINT_MODELS)[number];

/** Checked in order: the more specific pattern first ("Ender 3 V2" before "Ender 3"). */
const PATTERNS: readonly [RegExp, OctoPrintModel][] = [
  [/ENDER-?3-?V2/, 'Ender 3 V2'],
  [/ENDER-?3-?S1/, 'Ender 3 S1'],
  [/ENDER-?3/, 'Ender 3'],
  [/ENDER-?5/, 'Ender 5'],
  [/CR-?10/, 'CR-10'],
  [/MK3S/, 'Prusa MK3S'],
  [/VORON-?2\.4/, 'Voron 2.4'],
  [/TRIDENT/, 'Voron Trident'],
];

export function identifyOctoPrintModel(model: string | null | undefined): OctoPrintModel | null {
  if (!model) return null;
  const s = model.toUpperCase().replace(/\s+/g, '-');
  return PATTERNS.find(([pattern]) => pattern.test(s))?.[1] ?? null;
}
