import {
  CellStyleModule,
  ClientSideRowModelModule,
  ColumnApiModule,
  CsvExportModule,
  EventApiModule,
  LocaleModule,
  ModuleRegistry,
  PinnedRowModule,
  RenderApiModule,
  RowApiModule,
  RowStyleModule,
  ScrollApiModule,
  TextEditorModule,
  TooltipModule,
  themeQuartz,
} from 'ag-grid-community';
import { AG_GRID_LOCALE_FR } from '@ag-grid-community/locale';

/**
 * AG Grid Community only, with the modules we use registered explicitly
 * (smaller bundle, and no enterprise feature can sneak in).
 */
ModuleRegistry.registerModules([
  ClientSideRowModelModule,
  TextEditorModule,
  TooltipModule,
  CellStyleModule,
  RowStyleModule,
  RenderApiModule,
  RowApiModule,
  ColumnApiModule,
  ScrollApiModule,
  EventApiModule,
  PinnedRowModule,
  CsvExportModule,
  LocaleModule,
]);

export const GRID_LOCALE = AG_GRID_LOCALE_FR;

/** Quartz tuned to the DSFR: Marianne, blue France accent, grey headers, compact like a spreadsheet. */
export const GRID_THEME = themeQuartz.withParams({
  fontFamily: 'Marianne, arial, sans-serif',
  fontSize: 14,
  accentColor: '#000091',
  foregroundColor: '#161616',
  headerBackgroundColor: '#eeeeee',
  headerFontWeight: 700,
  borderColor: '#dddddd',
  rowHeight: 32,
  headerHeight: 48,
  spacing: 6,
  wrapperBorderRadius: 0,
  cellHorizontalPaddingScale: 0.8,
});
