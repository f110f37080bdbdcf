import './settings.js';
import './events.js';
import './statistics.js';
import './report.js';
import './submissions.js';
import './usage-data.js';
import './printers.js';
import './job-health.js';

import { builder } from '../builder.js';

export const schema = builder.toSchema();
