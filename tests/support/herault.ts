import type { AppCore } from '../../electron/services/app-core';

/**
 * The Hérault set up through IPC for the results tests: settings, quartiers of
 * Montpellier in the zones given, and the quarters opened. Returns the
 * quartiers' ids in the order given.
 */
export async function setUpHerault(
  core: Pick<AppCore, 'dispatch'>,
  qrrs: readonly { readonly name: string; readonly securityZone: 'police' | 'gendarmerie' }[],
  periods: readonly string[],
): Promise<number[]> {
  await core.dispatch('saveSettings', { departementCode: '34', prefetName: 'Préfet de test', coordinatorName: 'Camille Martin' });
  const ids: number[] = [];
  for (const q of qrrs) {
    const created = (await core.dispatch('createQrr', { name: q.name, communes: ['34172'], securityZone: q.securityZone })) as { ok: boolean; value: { id: number } };
    if (!created.ok) throw new Error(`createQrr ${q.name}: ${JSON.stringify(created)}`);
    ids.push(created.value.id);
  }
  for (const code of periods) await core.dispatch('openPeriod', { code });
  return ids;
}
