/** Limits shared by the IPC schemas, the services and the forms. */
export const QRR_NAME_MAX = 120;
export const PERSON_NAME_MAX = 120;
export const MAX_COMMUNES_PER_QRR = 50;
export const MAX_QPV_PER_QRR = 30;

/** Names are compared the way a coordinator reads them: case and surrounding spaces do not matter. */
export const normaliseQrrName = (name: string): string => name.trim().replace(/\s+/g, ' ');
