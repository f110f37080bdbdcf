import { Installation } from './installation.entity.js';
import { InstallationWeek } from './installation-week.entity.js';
import { OperatorAlert } from './operator-alert.entity.js';
import { Report } from './report.entity.js';
import { SummarySnapshot } from './summary-snapshot.entity.js';

export { Installation, InstallationWeek, OperatorAlert, Report, SummarySnapshot };

export const entities = [Installation, Report, InstallationWeek, SummarySnapshot, OperatorAlert];
