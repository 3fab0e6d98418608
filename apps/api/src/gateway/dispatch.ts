import type { ClientFrame, ClientFrameType } from '@chat/protocol';
import { parseClientFrame } from '@chat/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../http/errors.ts';
import { sendMetrics } from '../infra/metrics/instruments.ts';
import type { Connection } from './connection.ts';

/**
 * What a handler returns once its frame has taken its place in order but is answered later: the
 * connection's next frame is handled meanwhile, and a failure is still answered as this frame's
 * own. A send returns it once queued for its batch, so that a connection's sends share batches
 * instead of going one per batch window.
 */
export class AnsweredLater {
  constructor(readonly answered: Promise<void>) {}
}

// biome-ignore lint/suspicious/noConfusingVoidType: a handler that answers at once returns nothing.
type Handled = Promise<void | AnsweredLater> | void | AnsweredLater;

export type FrameHandler<T extends ClientFrameType> = (
  connection: Connection,
  frame: Extract<ClientFrame, { type: T }>,
) => Handled;

type AnyFrameHandler = (connection: Connection, frame: ClientFrame) => Handled;

/**
 * Client frames to their handlers, keyed by type, so each handler only ever receives frames of its
 * own type; capabilities register the frames they own. Every frame gets an answer when it fails:
 * an AppError's code says why it was refused for good; anything else (the database or bus failed
 * underneath) is answered with a retryable code, since whether a send was stored is then not known.
 */
export class Dispatcher {
  private readonly handlers = new Map<ClientFrameType, AnyFrameHandler>();

  constructor(private readonly log: FastifyBaseLogger) {}

  handle<T extends ClientFrameType>(type: T, handler: FrameHandler<T>): void {
    this.handlers.set(type, handler as unknown as AnyFrameHandler);
  }

  async dispatch(connection: Connection, raw: string): Promise<void> {
    const parsed = parseClientFrame(raw);
    if (!parsed.ok) {
      if (parsed.frameType === 'send') sendMetrics.refused(parsed.code);
      const { code, message, frameType, clientId } = parsed;
      connection.send({ type: 'error', code, message, frame: frameType, clientId });
      return;
    }
    const { frame } = parsed;
    try {
      const handler = this.handlers.get(frame.type);
      if (!handler) throw new AppError(400, 'unknown_frame', `Frames of type "${frame.type}" are not handled here.`);
      const handled = await handler(connection, frame);
      if (handled instanceof AnsweredLater)
        void handled.answered.catch((error) => this.refuse(connection, frame, error));
    } catch (error) {
      this.refuse(connection, frame, error);
    }
  }

  private refuse(connection: Connection, frame: ClientFrame, error: unknown): void {
    const answer = this.answer(connection, frame, error);
    if (frame.type === 'send') sendMetrics.refused(answer.code);
    connection.send({ type: 'error', ...answer, frame: frame.type });
  }

  private answer(connection: Connection, frame: ClientFrame, error: unknown) {
    // Sends and changes name themselves, so that the client can tell which one failed, and how.
    const clientId = 'clientId' in frame ? frame.clientId : undefined;
    if (error instanceof AppError) return { code: error.code, message: error.message, clientId };
    this.log.error(
      { err: error, frame: frame.type, userId: connection.userId, connectionId: connection.id },
      'frame handler failed',
    );
    if (clientId === undefined)
      return { code: 'internal_error', message: 'Something went wrong on our side. Try again.', clientId };
    return {
      code: 'service_unavailable',
      message:
        frame.type === 'send'
          ? 'We could not confirm that this message was stored. It is kept and sent again: it is stored once.'
          : 'We could not confirm that this change was stored. It is kept and sent again: it is applied once.',
      clientId,
    };
  }
}
