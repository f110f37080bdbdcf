import { z } from 'zod';

import { builder } from '../builder.js';
import { IngestError } from '../errors.js';
import { deleteInstallation } from '../ingest.js';

interface Deleted {
  installationId: string;
  deletedReports: number;
}

const DeleteInstallationInput = builder.inputType('DeleteInstallationInput', {
  description: 'Which installation to erase.',
  fields: (t) => ({ installationId: t.id({ description: 'The installation UUID its reports carry.' }) }),
});

const DeleteInstallationPayload = builder.objectRef<Deleted>('DeleteInstallationPayload').implement({
  description: 'What was erased.',
  fields: (t) => ({
    installationId: t.exposeID('installationId', { description: 'The installation erased; nothing of it is stored any more.' }),
    deletedReports: t.exposeInt('deletedReports', {
      description: 'Raw reports deleted. 0 for an unknown id (so a retried deletion completes) or when its raw reports had already expired.',
    }),
  }),
});

builder.mutationField('deleteInstallation', (t) =>
  t.field({
    type: DeleteInstallationPayload,
    description:
      "Erases an installation (GDPR): its reports, latest state, weekly rollups and rate-limit state. Needs the installation's own secret (X-Installation-Secret) or the operator key (X-Admin-Key); anyone else gets FORBIDDEN.",
    args: { input: t.arg({ type: DeleteInstallationInput, required: true, description: 'The installation.' }) },
    resolve: async (_, { input }, { em, services, headers, address }) => {
      const installationId = String(input.installationId);
      // Checked before anything reads the database with it.
      if (!z.uuid().safeParse(installationId).success) throw IngestError.invalid('installationId', 'must be a UUID');
      const caller = { secret: headers.get('x-installation-secret'), adminKey: headers.get('x-admin-key'), address };
      return { installationId, deletedReports: await deleteInstallation(services, em, installationId, caller) };
    },
  }),
);
