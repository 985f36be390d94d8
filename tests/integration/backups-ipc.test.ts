import { describe, expect, it } from 'vitest';
import { openCore, readOnly } from '../support/db';

describe('backups through the application', () => {
  it('backs up at start, on demand, and restores a backup over IPC, the current state saved first', async () => {
    const first = await openCore();
    await first.dispatch('saveSettings', { departementCode: '34', prefetName: '', coordinatorName: '' });
    await first.dispatch('createQrr', { name: 'QRR Mosson', communes: ['34172'] });
    first.close();

    // Reopening an existing database takes the rolling start-up backup.
    const core = await openCore(first.dir);
    try {
      const atStart = await core.dispatch('listBackups', undefined);
      expect(atStart).toMatchObject({ ok: true, value: [{ reason: 'demarrage' }] });

      await core.dispatch('createQrr', { name: 'QRR Petit Bard', communes: [] });
      const manual = await core.dispatch('backupNow', undefined);
      expect(manual).toMatchObject({ ok: true, value: { reason: 'manuelle' } });
      await core.dispatch('createQrr', { name: 'QRR créé après la sauvegarde', communes: [] });

      const startName = (atStart as { ok: true; value: { name: string }[] }).value[0]!.name;
      const restored = await core.dispatch('restoreBackup', { name: startName });
      expect(restored).toMatchObject({ ok: true, value: { restoredFrom: startName } });
      const safety = (restored as { ok: true; value: { safetyBackup: string } }).value.safetyBackup;

      // The application keeps working on the restored file.
      const listed = await core.dispatch('listQrrs', { includeArchived: true });
      expect((listed as { ok: true; value: { name: string }[] }).value.map((q) => q.name)).toEqual(['QRR Mosson']);
      expect((await core.dispatch('createQrr', { name: 'QRR après restauration', communes: [] })).ok).toBe(true);

      // The state before the restore is itself a backup, with the three QRRs.
      readOnly(`${core.dir}/sauvegardes/${safety}`, (db) =>
        expect(db.prepare('SELECT name FROM qrr ORDER BY id').pluck().all()).toEqual([
          'QRR Mosson',
          'QRR Petit Bard',
          'QRR créé après la sauvegarde',
        ]),
      );
      expect(await core.dispatch('restoreBackup', { name: 'qrr-20200101-000000-000-manuelle.sqlite' })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
      expect(await core.dispatch('restoreBackup', { name: '../qrr.sqlite' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    } finally {
      core.close();
    }
  });
});
