import {
  listActionStatuses,
  listAssessments,
  listIndicatorValues,
  saveActionStatuses,
  saveAssessment,
  saveIndicatorValues,
} from './followup';
import { listQrrNames, loadActionGrid, loadIndicatorGrid } from './followup-grid';
import { withVia, type HandlerEnv, type HandlersOf } from './ipc/handler-kit';
import { listSansObjet, listTargets, saveSansObjet, saveTarget } from './results';

/** The follow-up of each quarter (indicator values, action statuses, assessments) and the results' frame (« sans objet », targets). */
export function createFollowupHandlers({ ctx }: HandlerEnv): HandlersOf<
  | 'listIndicatorValues'
  | 'saveIndicatorValues'
  | 'listActionStatuses'
  | 'saveActionStatuses'
  | 'listAssessments'
  | 'loadIndicatorGrid'
  | 'loadActionGrid'
  | 'listQrrNames'
  | 'saveAssessment'
  | 'listSansObjet'
  | 'saveSansObjet'
  | 'listTargets'
  | 'saveTarget'
> {
  return {
    listIndicatorValues: ({ periodCode, qrrId }) => listIndicatorValues(ctx, periodCode, qrrId),
    saveIndicatorValues: ({ periodCode, changes, via }) => saveIndicatorValues(withVia(ctx, via), periodCode, changes),
    listActionStatuses: ({ periodCode, qrrId }) => listActionStatuses(ctx, periodCode, qrrId),
    saveActionStatuses: ({ periodCode, changes, via }) => saveActionStatuses(withVia(ctx, via), periodCode, changes),
    listAssessments: ({ periodCode, qrrId }) => listAssessments(ctx, periodCode, qrrId),
    loadIndicatorGrid: ({ periodCode, qrrIds }) => loadIndicatorGrid(ctx, periodCode, qrrIds),
    loadActionGrid: ({ periodCode, qrrIds }) => loadActionGrid(ctx, periodCode, qrrIds),
    listQrrNames: () => listQrrNames(ctx),
    saveAssessment: ({ periodCode, via, ...change }) => saveAssessment(withVia(ctx, via), periodCode, change),
    listSansObjet: () => listSansObjet(ctx),
    saveSansObjet: (change) => saveSansObjet(ctx, change),
    listTargets: () => listTargets(ctx),
    saveTarget: (change) => saveTarget(ctx, change),
  };
}
