import { migrations as postgresql } from './postgresql/index.js';
import { migrations as sqlite } from './sqlite/index.js';

export const aggregatorMigrations = { sqlite, postgresql };
