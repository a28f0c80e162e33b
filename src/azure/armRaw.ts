/**
 * A raw JSON request through an SDK client's own pipeline (authentication, retries, user agent), bypassing
 * its serializer.
 *
 * Why: `@azure/arm-machinelearning` 2.1.1 serializes a PipelineJob's `inputs`/`outputs` through the base
 * `JobInput`/`JobOutput` mappers (its discriminator table only has `AssetJobInput.uri_file`…, not
 * `JobInput.uri_file`), so it silently drops `uri` and `mode` from every input and output. The job PUT must
 * carry the plan's body exactly as planned.
 */
import type { PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { coreRestPipeline } from './sdk';

/** What an SDK client (`ServiceClient`) offers: a request sent through its pipeline. */
export interface PipelineSender {
  sendRequest(request: PipelineRequest): Promise<PipelineResponse>;
}

export async function sendJson(
  client: PipelineSender,
  method: 'PUT' | 'GET' | 'POST',
  url: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { createHttpHeaders, createPipelineRequest, RestError } = coreRestPipeline();
  const request = createPipelineRequest({
    url,
    method,
    headers: createHttpHeaders({
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    }),
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const response = await client.sendRequest(request);
  let parsed: Record<string, unknown>;
  try {
    parsed = response.bodyAsText ? (JSON.parse(response.bodyAsText) as Record<string, unknown>) : {};
  } catch {
    parsed = {};
  }
  if (response.status >= 400) {
    const error = (parsed.error ?? {}) as { code?: unknown; message?: unknown };
    const code = typeof error.code === 'string' ? error.code : undefined;
    const message = typeof error.message === 'string' ? error.message : `HTTP ${response.status}`;
    const err = new RestError(message, { code, statusCode: response.status, request, response });
    err.details = parsed;
    throw err;
  }
  return { status: response.status, body: parsed };
}
