/**
 * Geometry, colours and font family of the application's PDF documents
 * (A4 portrait, millimetres; DSFR colours), shared by the drawing kit
 * (pdf-kit.ts) and the table module (pdf-table.ts).
 */
import type { Meteo } from '../../../shared/domain/types';

/** The embedded font family (DejaVu Sans, regular and bold: see pdf-kit.ts). */
export const FONT = 'DejaVuSans';

// ---------------------------------------------------------------------------
// Page geometry (millimetres, A4 portrait)

export const MM_TO_PT = 72 / 25.4;
export const PAGE_W = 210;
export const PAGE_H = 297;
export const MARGIN_X = 15;
export const CONTENT_W = PAGE_W - 2 * MARGIN_X;
export const TOP = 22;
export const BOTTOM = 277;

// ---------------------------------------------------------------------------
// Colours (DSFR)

export type Rgb = readonly [number, number, number];
export const BLUE: Rgb = [0, 0, 145];
export const RED: Rgb = [225, 0, 15];
export const TEXT: Rgb = [30, 30, 30];
export const MUTED: Rgb = [102, 102, 102];
export const RULE: Rgb = [200, 200, 200];
export const LIGHT: Rgb = [238, 238, 248];
export const GREEN: Rgb = [24, 117, 60];
export const METEO_COLOURS: Readonly<Record<Meteo, Rgb>> = {
  soleil: [255, 196, 0],
  couvert: [160, 180, 215],
  nuage: [120, 120, 120],
  orage: [106, 27, 118],
  non_renseignee: [255, 255, 255],
};
