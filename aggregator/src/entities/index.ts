import { Installation } from './installation.entity.js';
import { InstallationWeek } from './installation-week.entity.js';
import { OperatorAlert } from './operator-alert.entity.js';
import { AnomalyState, DashboardSnapshot, OpsEvent, RecentRefusal, RefusalWeek } from './ops.entity.js';
import { Report } from './report.entity.js';
import { SummarySnapshot } from './summary-snapshot.entity.js';

export { AnomalyState, DashboardSnapshot, Installation, InstallationWeek, OperatorAlert, OpsEvent, RecentRefusal, RefusalWeek, Report, SummarySnapshot };

export const entities = [
  Installation,
  Report,
  InstallationWeek,
  SummarySnapshot,
  OperatorAlert,
  RefusalWeek,
  RecentRefusal,
  OpsEvent,
  AnomalyState,
  DashboardSnapshot,
];
