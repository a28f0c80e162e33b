/** Experiment ids (the runExperiment instance ids) and request fingerprints. */
import { createHash, randomBytes } from 'node:crypto';
import { stableJson } from '../core/stableJson';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const slug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30)
    .replace(/-+$/, '') || 'experiment';

/** A new, readable id: `exp-<experiment name>-<12 random hex>`. */
export const newExperimentId = (experimentName: string): string =>
  `exp-${slug(experimentName)}-${randomBytes(6).toString('hex')}`;

/** The id an Idempotency-Key maps to: the same key always names the same experiment. */
export const idempotentExperimentId = (key: string): string => `exp-key-${sha256(key).slice(0, 24)}`;

/**
 * Fingerprint of a request body, to tell a reused Idempotency-Key with a different body: a hash of its canonical JSON
 * (keys sorted, no whitespace), so the same body with its keys in another order or other spacing is the same request.
 */
export const requestFingerprint = (body: unknown): string => sha256(stableJson(body)).slice(0, 32);

/** Most characters of a requested id a message repeats: a 10 KB id is not echoed back whole. */
export const MAX_ECHOED_ID = 100;

/** An id from the request, for a message: `'<id>'`, or its first MAX_ECHOED_ID characters and how long it was. */
export const echoedId = (id: string): string =>
  id.length <= MAX_ECHOED_ID ? `'${id}'` : `'${id.slice(0, MAX_ECHOED_ID)}…' (${id.length} characters)`;
