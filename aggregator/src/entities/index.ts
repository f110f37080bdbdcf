import { Installation } from './installation.entity.js';
import { InstallationWeek } from './installation-week.entity.js';
import { Report } from './report.entity.js';

export { Installation, InstallationWeek, Report };

export const entities = [Installation, Report, InstallationWeek];
