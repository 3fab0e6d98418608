/**
 * The wire protocol's version. Bump it on any change to a schema in this package that an
 * existing client could not handle; `protocol.test.ts` fails when the schemas change without a bump.
 */
export const PROTOCOL_VERSION = 1;

/** The query parameter a WebSocket client uses to announce the protocol version it speaks. */
export const PROTOCOL_VERSION_PARAM = 'v';
