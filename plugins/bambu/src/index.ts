import { definePrinterPlugin } from '@printernizer-stats/plugin-api';
import { BAMBU_MODELS, identifyBambuModel } from './models.js';

export default definePrinterPlugin({
  name: 'bambu',
  version: '1.0.0',
  apiVersion: 1,
  displayName: 'Bambu Lab printers',
  printerTypes: [{ id: 'bambu_lab', displayName: 'Bambu Lab', vendor: 'Bambu Lab', models: BAMBU_MODELS }],
  identifyModel: identifyBambuModel,
});
