/**
 * French display of dates and numbers, the one implementation used by the
 * screens and the reports. Times are shown in metropolitan French time
 * whatever the workstation's zone, so two colleagues read the same value.
 */
import { PARIS_TIME_ZONE } from './paris-time';

const TIME_ZONE = PARIS_TIME_ZONE;

const dateFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const integerFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });

/** `24/06/2021` */
export const formatDate = (iso: string): string => dateFormat.format(new Date(iso));

/** `24/06/2021 14:05` */
export const formatDateTime = (iso: string): string => dateTimeFormat.format(new Date(iso)).replace(',', '');

/** `1 234` (narrow no-break space as group separator, as Intl gives it). */
export const formatInteger = (n: number): string => integerFormat.format(n);

/** « 1 quartier », « 3 quartiers ». */
export const plural = (n: number, singular: string, pluralForm = `${singular}s`): string =>
  `${formatInteger(n)} ${n >= -1 && n <= 1 ? singular : pluralForm}`;
