import type { TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import { CLIENT_FRAME_SCHEMAS, type ClientFrame } from './client-frames.ts';
import { WS_LIMITS } from './limits.ts';
import {
  AckFrame,
  BlockChangedFrame,
  ChangeAckFrame,
  ConversationHiddenFrame,
  ConversationMutedFrame,
  ErrorFrame,
  MessageChangedFrame,
  MessageFrame,
  MessageHiddenFrame,
  PongFrame,
  PresenceFrame,
  ProfileFrame,
  ReadReceiptFrame,
  ReadyFrame,
  ResyncFrame,
  type ServerFrame,
  SyncedFrame,
  TypingEventFrame,
  UnreadFrame,
  UserDeletedFrame,
} from './server-frames.ts';

const SERVER_FRAME_SCHEMAS = {
  ready: ReadyFrame,
  pong: PongFrame,
  message: MessageFrame,
  ack: AckFrame,
  message_changed: MessageChangedFrame,
  change_ack: ChangeAckFrame,
  message_hidden: MessageHiddenFrame,
  unread: UnreadFrame,
  read: ReadReceiptFrame,
  typing: TypingEventFrame,
  presence: PresenceFrame,
  profile: ProfileFrame,
  conversation_hidden: ConversationHiddenFrame,
  block_changed: BlockChangedFrame,
  conversation_muted: ConversationMutedFrame,
  user_deleted: UserDeletedFrame,
  resync: ResyncFrame,
  synced: SyncedFrame,
  error: ErrorFrame,
} as const satisfies Record<ServerFrame['type'], TSchema>;

export type FrameParseResult<F> =
  | { ok: true; frame: F }
  | {
      ok: false;
      code: 'malformed_frame' | 'unknown_frame' | 'validation_failed';
      message: string;
      frameType?: string;
      /** The refused frame's `clientId` when it had one (a send or a change): the refusal answers it. */
      clientId?: string;
    };

/**
 * A send or change refused for its shape still names its clientId when it has a usable one, so the
 * client can match the refusal to the message it shows as pending (a 4,001-character text, say) or
 * roll back the change it shows (a reaction of two emoji).
 */
/** The frames that name themselves by `clientId`, so that a refusal can name them back. */
const NAMED_FRAMES = ['send', 'edit', 'delete', 'react'] as const;

function refusedClientId(value: object): string | undefined {
  const { type, clientId } = value as { type?: unknown; clientId?: unknown };
  if (!(NAMED_FRAMES as readonly unknown[]).includes(type) || typeof clientId !== 'string') return undefined;
  return clientId.length > 0 && clientId.length <= WS_LIMITS.maxClientIdLength ? clientId : undefined;
}

/**
 * Validators are compiled per frame type on first use: dispatching on `type` first gives a precise
 * error ("text: must not have more than 4000 characters") instead of a union's "matched no variant".
 */
function frameParser<F>(schemas: Record<string, TSchema>): (raw: string) => FrameParseResult<F> {
  const validators = new Map<string, Validator>();
  const validatorFor = (type: string): Validator | undefined => {
    if (!Object.hasOwn(schemas, type)) return undefined;
    let validator = validators.get(type);
    if (!validator) {
      validator = Compile(schemas[type] as TSchema);
      validators.set(type, validator);
    }
    return validator;
  };

  return (raw) => {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, code: 'malformed_frame', message: 'The frame is not valid JSON.' };
    }
    if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
      return { ok: false, code: 'malformed_frame', message: 'A frame is a JSON object with a string "type".' };
    }
    const type = (value as { type: string }).type;
    const validator = validatorFor(type);
    if (!validator) {
      return { ok: false, code: 'unknown_frame', message: `Unknown frame type "${type}".`, frameType: type };
    }
    if (!validator.Check(value)) {
      const [first] = validator.Errors(value);
      const where = first?.instancePath ? `${first.instancePath.slice(1)}: ` : '';
      return {
        ok: false,
        code: 'validation_failed',
        message: `Invalid "${type}" frame: ${where}${first?.message ?? 'does not match the schema'}.`,
        frameType: type,
        clientId: refusedClientId(value),
      };
    }
    return { ok: true, frame: value as F };
  };
}

/** The server's gate for everything a client sends. */
export const parseClientFrame = frameParser<ClientFrame>(CLIENT_FRAME_SCHEMAS);

/** The client's gate for everything a server sends. */
export const parseServerFrame = frameParser<ServerFrame>(SERVER_FRAME_SCHEMAS);
