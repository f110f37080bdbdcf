import { PluginsPageDocument, PrintersPageDocument } from '../../../clients/local/__generated__/graphql.js';
import { execute } from '../backend.js';
import { defineCommand } from '../command.js';
import { json, line, table } from '../output.js';

export const printers = defineCommand({
  name: 'printers',
  summary: 'the printers, and the printer types the plugins provide',
  details: 'Names stay on this machine: reports count printers by type and model only.',
  async run({ io, backend, json: asJson }) {
    const d = await execute(backend, PrintersPageDocument, {});
    if (asJson) return json(io, d);
    if (d.printers.length === 0) line(io, 'No printers.');
    else
      line(
        io,
        table(
          ['ID', 'NAME', 'TYPE', 'MODEL'],
          d.printers.map((p) => [p.id, p.name, p.type.available ? p.type.displayName : `${p.type.id} (no plugin)`, p.model ?? 'other']),
        ),
      );
    line(io);
    line(io, `Printer types: ${d.printerTypes.map((t) => `${t.id} (${t.models.length} models)`).join(', ') || 'none'}`);
  },
});

export const plugins = defineCommand({
  name: 'plugins',
  summary: 'the printer plugins and whether they loaded',
  async run({ io, backend, json: asJson }) {
    const d = await execute(backend, PluginsPageDocument, {});
    if (asJson) return json(io, d.plugins);
    line(
      io,
      table(
        ['NAME', 'VERSION', 'STATE', 'SOURCE', 'TYPES', 'ERROR'],
        d.plugins.map((p) => [
          p.name,
          p.version || '-',
          p.state,
          p.source,
          p.printerTypeIds.join(',') || '-',
          p.errorCode ? `${p.errorCode}: ${p.error}` : '-',
        ]),
      ),
    );
  },
});
