import { definePrinterPlugin } from '@printernizer-stats/plugin-api';
import { identifyPrusaModel, PRUSA_MODELS } from './models.js';

export default definePrinterPlugin({
  name: 'prusa',
  version: '1.0.0',
  apiVersion: 1,
  displayName: 'Prusa printers',
  printerTypes: [{ id: 'prusa', displayName: 'Prusa', vendor: 'Prusa Research', models: PRUSA_MODELS }],
  identifyModel: identifyPrusaModel,
});
