import { definePrinterPlugin } from '@printernizer-stats/plugin-api';

import { OCTOPRINT_MODELS, identifyOctoPrintModel } from './models.js';

export default definePrinterPlugin({
  name: 'octoprint',
  version: '1.0.0',
  apiVersion: 1,
  displayName: 'OctoPrint printers',
  printerTypes: [{ id: 'octoprint', displayName: 'OctoPrint', vendor: 'OctoPrint', models: OCTOPRINT_MODELS }],
  // Only the model string is read; the serial is not needed to tell these printers apart.
  identifyModel: ({ model }) => identifyOctoPrintModel(model),
  // No collectFleet: the host counts this plugin's printers by the model identified when they were added.
});
