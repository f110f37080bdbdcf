import { builder } from '../builder.js';
import { Printer } from '../entities/printer.entity.js';
import type { Printer as PrinterRow } from '../entities/printer.entity.js';
import type { PluginStatus, RegisteredType } from '../plugins/registry.js';
import { addPrinter, removePrinter, unavailableType } from '../services/printers.js';

type TypeView = RegisteredType & { available: boolean };

const PluginStateEnum = builder.enumType('PluginState', { values: ['LOADED', 'FAILED', 'SKIPPED'] as const });

const PrinterTypeRef = builder.objectRef<TypeView>('PrinterType').implement({
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Stable id, e.g. bambu_lab.' }),
    displayName: t.exposeString('displayName'),
    vendor: t.exposeString('vendor'),
    models: t.exposeStringList('models', { description: 'The only models a report may name; anything else is reported as "other".' }),
    plugin: t.exposeString('plugin', { description: 'The plugin that provides the type; empty when none is loaded.' }),
    available: t.exposeBoolean('available', { description: 'False when no loaded plugin provides this type any more.' }),
  }),
});

const PrinterRef = builder.objectRef<PrinterRow>('Printer').implement({
  description: 'A printer. Its name, serial number and address stay on this machine.',
  fields: (t) => ({
    id: t.id({ resolve: (p) => String(p.id) }),
    name: t.exposeString('name'),
    type: t.field({
      type: PrinterTypeRef,
      resolve: (p, _, { services }) => {
        const type = services.plugins.type(p.type);
        return type ? { ...type, available: true } : unavailableType(p.type);
      },
    }),
    model: t.exposeString('model', { nullable: true }),
  }),
});

const PluginStatusRef = builder.objectRef<PluginStatus>('PluginStatus').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    version: t.exposeString('version'),
    apiVersion: t.exposeInt('apiVersion'),
    state: t.expose('state', { type: PluginStateEnum }),
    source: t.exposeString('source', { description: 'first-party, or the PRINTERNIZER_PLUGINS entry it was loaded from.' }),
    error: t.exposeString('error', { nullable: true, description: 'Why it was refused, or its latest failure; null when all is well.' }),
    errorCode: t.exposeString('errorCode', { nullable: true }),
    printerTypes: t.exposeStringList('printerTypes'),
  }),
});

const AddPrinterInput = builder.inputType('AddPrinterInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'Stored locally only.' }),
    type: t.string({ required: true, description: 'A registered printer type id.' }),
    model: t.string({ description: 'A declared model, or what the printer reports; the plugin normalises it.' }),
    serial: t.string({ description: 'Stored locally only; the plugin may read it to identify the model.' }),
    host: t.string({ description: 'Stored locally only.' }),
  }),
});

builder.queryField('printerTypes', (t) =>
  t.field({ type: [PrinterTypeRef], resolve: (_, __, { services }) => services.plugins.types().map((type) => ({ ...type, available: true })) }),
);
builder.queryField('printers', (t) => t.field({ type: [PrinterRef], resolve: (_, __, { em }) => em.find(Printer, {}, { orderBy: { id: 'asc' } }) }));
builder.queryField('plugins', (t) => t.field({ type: [PluginStatusRef], resolve: (_, __, { services }) => services.plugins.statuses() }));

builder.mutationField('addPrinter', (t) =>
  t.field({
    type: PrinterRef,
    args: { input: t.arg({ type: AddPrinterInput, required: true }) },
    resolve: (_, { input }, { em, services }) => addPrinter(em, services.plugins, services.clock, services.logger, input),
  }),
);
builder.mutationField('removePrinter', (t) =>
  t.boolean({ args: { id: t.arg.id({ required: true }) }, resolve: (_, { id }, { em }) => removePrinter(em, String(id)) }),
);
