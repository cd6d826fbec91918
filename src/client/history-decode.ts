import type { LoadedDataConverter, Payload, PayloadCodec, ProtoFailure } from '@temporalio/common';
import type { google, temporal } from '@temporalio/proto';

// Own copies of small SDK helpers: the SDK keeps its own in internal modules, whose import paths move between releases.

type Payloads = temporal.api.common.v1.IPayloads;

/** Runs the codecs last to first: the last codec encoded last, so it decodes first. */
export async function decodePayloads(codecs: readonly PayloadCodec[], payloads: Payload[]): Promise<Payload[]> {
  let decoded = payloads;
  for (const codec of [...codecs].reverse()) decoded = await codec.decode(decoded);
  return decoded;
}

async function decodePayload(codecs: readonly PayloadCodec[], payload: Payload): Promise<Payload> {
  const [decoded] = await decodePayloads(codecs, [payload]);
  if (!decoded) throw new Error('a payload codec returned no payload for one it was given');
  return decoded;
}

async function decodeOptionalPayloads(
  codecs: readonly PayloadCodec[],
  payloads: Payloads | null | undefined,
): Promise<Payloads | null | undefined> {
  return payloads ? { payloads: await decodePayloads(codecs, payloads.payloads ?? []) } : payloads;
}

/** The value a payload holds, decoded and converted; undefined when there is no payload. */
export async function decodeOptionalPayload(converter: LoadedDataConverter, payload: Payload | null | undefined): Promise<unknown> {
  if (payload == null) return undefined;
  return converter.payloadConverter.fromPayload<unknown>(await decodePayload(converter.payloadCodecs, payload));
}

/**
 * A copy of the failure with every payload in it, and in its causes, decoded: the encoded
 * attributes (message and stack trace, when the failure converter encodes them) and the details.
 */
export async function decodeFailure(codecs: readonly PayloadCodec[], failure: ProtoFailure): Promise<ProtoFailure> {
  const {
    encodedAttributes,
    cause,
    applicationFailureInfo: application,
    timeoutFailureInfo: timeout,
    canceledFailureInfo: canceled,
    resetWorkflowFailureInfo: reset,
  } = failure;
  return {
    ...failure,
    encodedAttributes: encodedAttributes ? await decodePayload(codecs, encodedAttributes) : encodedAttributes,
    cause: cause ? await decodeFailure(codecs, cause) : cause,
    applicationFailureInfo: application
      ? { ...application, details: await decodeOptionalPayloads(codecs, application.details) }
      : application,
    timeoutFailureInfo: timeout
      ? { ...timeout, lastHeartbeatDetails: await decodeOptionalPayloads(codecs, timeout.lastHeartbeatDetails) }
      : timeout,
    canceledFailureInfo: canceled ? { ...canceled, details: await decodeOptionalPayloads(codecs, canceled.details) } : canceled,
    resetWorkflowFailureInfo: reset
      ? { ...reset, lastHeartbeatDetails: await decodeOptionalPayloads(codecs, reset.lastHeartbeatDetails) }
      : reset,
  };
}

/** The error a failure describes, its payloads decoded first; undefined when there is no failure. */
export async function decodeOptionalFailure(
  converter: LoadedDataConverter,
  failure: ProtoFailure | null | undefined,
): Promise<Error | undefined> {
  if (!failure) return undefined;
  return converter.failureConverter.failureToError(await decodeFailure(converter.payloadCodecs, failure), converter.payloadConverter);
}

/** Milliseconds since the epoch, whole like Temporal's own conversion; undefined when there is no timestamp. */
export function timestampMs(timestamp: google.protobuf.ITimestamp | null | undefined): number | undefined {
  if (!timestamp) return undefined;
  return Number(String(timestamp.seconds ?? 0)) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6);
}
