import './report.js';
import './installation.js';
import './summary.js';
import './anomaly.js';
import './health.js';
import './dashboard.js';
import './admin.js';

import { builder } from '../builder.js';

export const schema = builder.toSchema();
