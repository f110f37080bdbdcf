/**
 * Bambu Lab model identification. Sources for every entry are in this plugin's README
 * (Bambu Studio's resources/printers/*.json and bambu-printer-manager's serial lookup).
 */

export const BAMBU_MODELS = ['X1C', 'X1', 'X1E', 'P1P', 'P1S', 'P2S', 'A1', 'A1 mini', 'H2D', 'H2D Pro', 'H2S', 'H2C', 'X2D', 'A2L'] as const;
export type BambuModel = (typeof BAMBU_MODELS)[number];

/** The first three characters of the serial number. */
export const SERIAL_PREFIXES: Readonly<Record<string, BambuModel>> = {
  '00M': 'X1C',
  '00W': 'X1',
  '03W': 'X1E',
  '01S': 'P1P',
  '01P': 'P1S',
  '22E': 'P2S',
  '039': 'A1',
  '030': 'A1 mini',
  '094': 'H2D',
  '093': 'H2S',
  '31B': 'H2C',
  '20P': 'X2D',
  '26A': 'A2L',
};

/** Model codes: Bambu Studio's model_id, the SSDP DevModel announcement, and 3MF printer_model_id. */
export const MODEL_CODES: Readonly<Record<string, BambuModel>> = {
  'BL-P001': 'X1C',
  '3DPRINTER-X1-CARBON': 'X1C',
  'BL-P002': 'X1',
  '3DPRINTER-X1': 'X1',
  C13: 'X1E',
  C11: 'P1P',
  C12: 'P1S',
  N7: 'P2S',
  N2S: 'A1',
  N1: 'A1 mini',
  O1D: 'H2D',
  O1E: 'H2D Pro',
  O1S: 'H2S',
  O1C: 'H2C',
  O1C2: 'H2C',
  N6: 'X2D',
  N9: 'A2L',
};

/** Marketing names as Bambu Studio displays them, without the leading "Bambu Lab". */
const DISPLAY_NAMES: Readonly<Record<string, BambuModel>> = {
  'X1 CARBON': 'X1C',
  'X1-CARBON': 'X1C',
  'A1 MINI': 'A1 mini',
  'H2D PRO': 'H2D Pro',
  ...Object.fromEntries(BAMBU_MODELS.map((m) => [m.toUpperCase(), m])),
};

/** A model code, a marketing name or one of our model ids → the model; null when unknown. */
export function modelFromString(value: string): BambuModel | null {
  const s = value
    .trim()
    .toUpperCase()
    .replace(/^BAMBU ?LAB\s+/, '');
  const code = s.replace(/-V\d+$/, '');
  return MODEL_CODES[code] ?? DISPLAY_NAMES[s] ?? null;
}

export function modelFromSerial(serial: string): BambuModel | null {
  return SERIAL_PREFIXES[serial.trim().toUpperCase().slice(0, 3)] ?? null;
}

/** The model string wins when it is recognised (it is what the printer announces); then the serial. */
export function identifyBambuModel(input: { model?: string | null; serial?: string | null }): BambuModel | null {
  return (input.model ? modelFromString(input.model) : null) ?? (input.serial ? modelFromSerial(input.serial) : null);
}
