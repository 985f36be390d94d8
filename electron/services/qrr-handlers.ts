import type { HandlerEnv, HandlersOf } from './ipc/handler-kit';
import { createQrrService } from './qrr';

/** The quartiers of the département. */
export function createQrrHandlers({ ctx, geography }: HandlerEnv): HandlersOf<'listQrrs' | 'createQrr' | 'updateQrr' | 'archiveQrr' | 'deleteQrr' | 'restoreQrr'> {
  const qrr = createQrrService(geography);
  return {
    listQrrs: (request) => qrr.list(ctx, request),
    createQrr: (request) => qrr.create(ctx, request),
    updateQrr: ({ id, ...input }) => qrr.update(ctx, id, input),
    archiveQrr: ({ id }) => qrr.archive(ctx, id),
    deleteQrr: ({ id }) => qrr.remove(ctx, id),
    restoreQrr: ({ id }) => qrr.restore(ctx, id),
  };
}
