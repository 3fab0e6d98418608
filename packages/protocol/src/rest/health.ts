import Type, { type Static } from 'typebox';

export const HealthResponse = Type.Object({
  /** Always "ok": the process answers. */
  status: Type.Literal('ok'),
});
export type HealthResponse = Static<typeof HealthResponse>;

export const ReadinessResponse = Type.Object({
  /** "ok" when every dependency answered, "unavailable" otherwise. */
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  /** One entry per dependency: true when it answered within the probe's timeout. */
  checks: Type.Record(Type.String(), Type.Boolean()),
});
export type ReadinessResponse = Static<typeof ReadinessResponse>;
