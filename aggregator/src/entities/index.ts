import { Installation } from './installation.entity.js';
import { InstallationWeek } from './installation-week.entity.js';
import { Report } from './report.entity.js';
import { SummarySnapshot } from './summary-snapshot.entity.js';

export { Installation, InstallationWeek, Report, SummarySnapshot };

export const entities = [Installation, Report, InstallationWeek, SummarySnapshot];
