import { builder } from '../builder.js';
import { Printer } from '../entities/printer.entity.js';
import type { Printer as PrinterRow } from '../entities/printer.entity.js';
import type { PluginStatus, RegisteredType } from '../plugins/registry.js';
import { addPrinter, removePrinter, unavailableType } from '../services/printers.js';
import { PluginErrorCodeEnum } from './enums.js';

type TypeView = RegisteredType & { available: boolean };

const PluginStateEnum = builder.enumType('PluginState', {
  description: 'Whether the host took a plugin in.',
  values: {
    LOADED: { description: 'Loaded: its printer types are available.' },
    FAILED: { description: 'Refused or broken; errorCode and error say why.' },
    SKIPPED: { description: 'Not loaded because of another plugin, e.g. a duplicate name; errorCode and error say why.' },
  },
});

const PrinterTypeRef = builder.objectRef<TypeView>('PrinterType').implement({
  description: 'A kind of printer a plugin provides, e.g. Bambu Lab printers.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stable id that never changes, e.g. bambu_lab.' }),
    displayName: t.exposeString('displayName', { description: 'A name to show, e.g. "Bambu Lab". The id itself when no loaded plugin provides the type.' }),
    vendor: t.exposeString('vendor', { description: 'The maker, e.g. "Bambu Lab"; "unknown" when no loaded plugin provides the type.' }),
    models: t.exposeStringList('models', {
      description: 'The only models a report may name; anything else is reported as "other". Empty when no loaded plugin provides the type.',
    }),
    plugin: t.string({
      nullable: true,
      description: 'The name of the plugin that provides the type; null when none is loaded.',
      resolve: (type) => type.plugin || null,
    }),
    available: t.exposeBoolean('available', { description: 'False when no loaded plugin provides this type any more.' }),
  }),
});

const PrinterRef = builder.objectRef<PrinterRow>('Printer').implement({
  description: 'A printer. Its name, serial number and address stay on this machine; reports count printers by type and model only.',
  fields: (t) => ({
    id: t.id({ description: 'Local id, unique on this installation.', resolve: (p) => String(p.id) }),
    name: t.exposeString('name', { description: 'The name the user gave it.' }),
    type: t.field({
      type: PrinterTypeRef,
      description: 'Its printer type; still answered (available false) when the plugin providing it is gone.',
      resolve: (p, _, { plugins }) => {
        const type = plugins.type(p.type);
        return type ? { ...type, available: true } : unavailableType(p.type);
      },
    }),
    model: t.exposeString('model', { nullable: true, description: 'One of PrinterType.models; null when the model was neither declared nor recognised.' }),
  }),
});

const PluginStatusRef = builder.objectRef<PluginStatus>('PluginStatus').implement({
  description: 'A printer plugin the host tried to load, and how that went.',
  fields: (t) => ({
    name: t.exposeString('name', { description: "The plugin's name from its manifest, or the PRINTERNIZER_PLUGINS entry when it has none." }),
    version: t.exposeString('version', { description: "The plugin's version from its manifest; empty when unknown." }),
    apiVersion: t.exposeInt('apiVersion', { description: 'The plugin API version the plugin was written for; 0 when unknown.' }),
    state: t.expose('state', { type: PluginStateEnum, description: 'Whether it was loaded.' }),
    source: t.exposeString('source', { description: '"first-party", or the PRINTERNIZER_PLUGINS entry it was loaded from.' }),
    error: t.exposeString('error', {
      nullable: true,
      description: 'Why it was refused, or its latest failure, in words for an operator; null when all is well.',
    }),
    errorCode: t.expose('errorCode', {
      type: PluginErrorCodeEnum,
      nullable: true,
      description: 'The same failure as a stable code to switch on; null when all is well.',
    }),
    printerTypeIds: t.exposeIDList('printerTypes', { description: 'The ids of the printer types it provides (PrinterType.id).' }),
    isolated: t.exposeBoolean('isolated', {
      description:
        'True when it runs in a worker thread of its own, which the host stops when a hook overruns PLUGIN_TIMEOUT_MS; false for first-party plugins.',
    }),
  }),
});

const AddPrinterInput = builder.inputType('AddPrinterInput', {
  description: 'A printer to add. Name, serial and host are stored on this machine only.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'A name to show, 1 to 100 characters.' }),
    type: t.string({ required: true, description: 'The PrinterType.id of a loaded plugin; another is BAD_USER_INPUT naming input.type.' }),
    model: t.string({
      description:
        'A declared model (any case), or what the printer reports; the plugin turns it into one of PrinterType.models. Anything else is stored as no model and reported as "other".',
    }),
    serial: t.string({ description: 'The serial number, at most 100 characters; the plugin may read it to recognise the model. Never sent.' }),
    host: t.string({ description: 'Host name or address, at most 255 characters. Never sent.' }),
  }),
});

const RemovePrinterInput = builder.inputType('RemovePrinterInput', {
  description: 'The printer to remove.',
  fields: (t) => ({ printerId: t.id({ required: true, description: 'Printer.id.' }) }),
});

const AddPrinterPayload = builder.objectRef<{ printer: PrinterRow }>('AddPrinterPayload').implement({
  description: 'The result of addPrinter.',
  fields: (t) => ({ printer: t.field({ type: PrinterRef, description: 'The stored printer.', resolve: (p) => p.printer }) }),
});

const RemovePrinterPayload = builder.objectRef<{ removedPrinterId: string | null }>('RemovePrinterPayload').implement({
  description: 'The result of removePrinter.',
  fields: (t) => ({
    removedPrinterId: t.exposeID('removedPrinterId', {
      nullable: true,
      description: 'The id of the removed printer; null when no printer had that id (nothing changed).',
    }),
  }),
});

builder.queryField('printerTypes', (t) =>
  t.field({
    type: [PrinterTypeRef],
    description: 'Every printer type the loaded plugins provide.',
    resolve: (_, __, { plugins }) => plugins.types().map((type) => ({ ...type, available: true })),
  }),
);
builder.queryField('printers', (t) =>
  t.field({ type: [PrinterRef], description: 'Every printer, oldest first.', resolve: (_, __, { em }) => em.find(Printer, {}, { orderBy: { id: 'asc' } }) }),
);
builder.queryField('plugins', (t) =>
  t.field({
    type: [PluginStatusRef],
    description: 'Every plugin the host tried to load: first-party ones, then PRINTERNIZER_PLUGINS in order.',
    resolve: (_, __, { plugins }) => plugins.statuses(),
  }),
);

builder.mutationField('addPrinter', (t) =>
  t.field({
    type: AddPrinterPayload,
    nullable: true,
    description:
      'Adds a printer. Refused with BAD_USER_INPUT naming the field (an unknown type, a name too long). A model the type does not declare is not refused: the printer gets no model and is reported as "other".',
    args: { input: t.arg({ type: AddPrinterInput, required: true, description: 'The printer.' }) },
    resolve: async (_, { input }, ctx) => ({ printer: await addPrinter(ctx, input) }),
  }),
);
builder.mutationField('removePrinter', (t) =>
  t.field({
    type: RemovePrinterPayload,
    nullable: true,
    description: 'Removes a printer. Removing one that does not exist changes nothing and is not an error.',
    args: { input: t.arg({ type: RemovePrinterInput, required: true, description: 'The printer.' }) },
    resolve: async (_, { input }, { em }) => ({ removedPrinterId: (await removePrinter(em, String(input.printerId))) ? String(input.printerId) : null }),
  }),
);
