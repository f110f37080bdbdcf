// The harness applies the host's checks: the manifest, the API range, deadlines, and the privacy rule on fleet output.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { definePrinterPlugin, SUPPORTED_API_VERSIONS, type PrinterPluginDefinition } from '@printernizer-stats/plugin-api';
import { manifestSchema } from '@printernizer-stats/plugin-api/manifest';
import { loadPlugin, PluginError } from '@printernizer-stats/plugin-api/testing';

const test = suite('plugin-api testing harness');

const base = definePrinterPlugin({
  name: 'acme',
  version: '1.0.0',
  apiVersion: 1,
  printerTypes: [{ id: 'acme', displayName: 'Acme', vendor: 'Acme', models: ['R1'] }],
});

async function refusal(plugin: unknown, options = {}): Promise<PluginError> {
  try {
    const h = await loadPlugin(plugin as PrinterPluginDefinition, options);
    await h.collectFleet([{ id: '1', type: 'acme', model: 'R1' }]);
    await h.close();
  } catch (err) {
    assert.instance(err, PluginError);
    return err as PluginError;
  }
  throw new Error('expected a refusal');
}

test('manifest problems and API versions are refused with the host’s codes and words', async () => {
  assert.is(manifestSchema.safeParse(base).success, true);
  const bad = await refusal({ ...base, name: 'Not A Slug' });
  assert.is(bad.code, 'PLUGIN_INVALID_MANIFEST');
  assert.match(bad.message, /name must be a slug/);
  assert.is((await refusal({ ...base, printerTypes: [{ ...base.printerTypes[0], models: ['other'] }] })).code, 'PLUGIN_INVALID_MANIFEST');
  const future = await refusal({ ...base, apiVersion: SUPPORTED_API_VERSIONS.max + 1 });
  assert.is(future.code, 'PLUGIN_API_VERSION_MISMATCH');
  assert.match(future.message, /written for plugin API 2; this host supports plugin API 1\. Update printernizer-stats/);
  assert.is((await refusal({ ...base, apiVersion: 0 })).code, 'PLUGIN_API_VERSION_MISMATCH');
});

test('collectFleet output: extra keys and foreign types are refused, undeclared models become other', async () => {
  const leaky = await refusal({ ...base, collectFleet: () => [{ type: 'acme', model: 'R1', count: 1, name: 'Garage printer' }] });
  assert.is(leaky.code, 'PLUGIN_INVALID_RESULT');
  assert.is((await refusal({ ...base, collectFleet: () => [{ type: 'bambu_lab', model: 'X1C', count: 1 }] })).code, 'PLUGIN_INVALID_RESULT');
  const h = await loadPlugin({ ...base, collectFleet: () => [{ type: 'acme', model: 'serial-ABC123', count: 2 }] });
  assert.equal(await h.collectFleet([]), [{ type: 'acme', model: 'other', count: 2 }]);
  await h.close();
});

test('hooks run under the deadline; setup failures are PLUGIN_SETUP_FAILED', async () => {
  const slow = await refusal({ ...base, collectFleet: () => new Promise(() => {}) }, { timeoutMs: 100 });
  assert.is(slow.code, 'PLUGIN_TIMEOUT');
  assert.match(slow.message, /collectFleet did not finish within 100 ms/);
  const setup = await refusal({
    ...base,
    setup: () => {
      throw new Error('no farm');
    },
  });
  assert.is(setup.code, 'PLUGIN_SETUP_FAILED');
  assert.match(setup.message, /no farm/);
});

test('model identification: only declared models are kept; a throwing identifyModel leaves the given model to match', async () => {
  const h = await loadPlugin({
    ...base,
    identifyModel: ({ model }) =>
      model === 'boom'
        ? (() => {
            throw new Error('x');
          })()
        : model === 'r-one'
          ? 'R1'
          : 'R9',
  });
  assert.is(await h.identifyModel({ model: 'r-one' }), 'R1');
  assert.is(await h.identifyModel({ model: 'anything' }), null, 'R9 is not declared');
  assert.is(await h.identifyModel({ model: 'boom' }), null);
  assert.is(h.logs.at(-1)?.level, 'warn');
  await h.close();
});

test.run();
