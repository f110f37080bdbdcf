import './ingest.js';
import './summary.js';
import './health.js';

import { builder } from '../builder.js';

export const schema = builder.toSchema();
