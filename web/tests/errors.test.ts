import { describe, expect, it } from 'vitest';
import { ApiError, type Problem } from '@/api/client';
import { describeError, problemReason } from '@/lib/errors';

/* A translator that shows the key and its named values. */
const t = (key: string, named?: Record<string, unknown>) => (named ? `${key} ${JSON.stringify(named)}` : key);

function problem(status: number, p: Problem): ApiError {
  return new ApiError(status, { status, ...p }, null);
}

describe('error messages', () => {
  it('points to the fields only when the answer names a field the form shows', () => {
    const e = problem(400, { detail: 'invalid request', errors: [{ field: 'reason', description: 'is required' }] });
    expect(describeError(e, t, ['reason', 'conclusion'])).toBe('common.fixFields');
  });

  it('shows the detail and each field error when no field of the form matches', () => {
    // A list's bad filter value: the list has no form field to put it beside.
    const e = problem(400, { detail: 'invalid request', errors: [{ field: 'status', description: 'is not a stage' }] });
    expect(describeError(e, t)).toBe('invalid request (status: is not a stage)');
    // A form whose fields are others.
    expect(describeError(e, t, ['reason'])).toBe('invalid request (status: is not a stage)');
  });

  it('adds the errors on fields the form lacks to the pointer to the fields', () => {
    const e = problem(400, {
      detail: 'invalid request',
      errors: [
        { field: 'reason', description: 'is required' },
        { field: 'limit', description: 'must be a whole number from 1 to 100' },
      ],
    });
    expect(describeError(e, t, ['reason'])).toBe('common.fixFields invalid request (limit: must be a whole number from 1 to 100)');
  });

  it('explains an upload refused for its type or size, and a 409, in the answer words', () => {
    const unsupported = problem(415, {
      code: 'UNSUPPORTED_MEDIA_TYPE',
      detail: "the document's content is not an accepted type",
      errors: [{ field: 'content', description: 'is not PDF, OFD, an image or an Office file' }],
    });
    expect(describeError(unsupported, t)).toBe(
      "the document's content is not an accepted type (content: is not PDF, OFD, an image or an Office file)",
    );
    // The 413's one error repeats its detail: said once.
    const large = problem(413, {
      detail: 'a document is at most 20971520 bytes',
      errors: [{ field: 'size', description: 'a document is at most 20971520 bytes' }],
    });
    expect(describeError(large, t)).toBe('a document is at most 20971520 bytes');
    expect(problemReason(large, t)).toBe('a document is at most 20971520 bytes');
    const conflict = problem(409, { detail: 'the clue is in stage closed; allowed in disposal_proposed' });
    expect(describeError(conflict, t, ['reason'])).toBe('the clue is in stage closed; allowed in disposal_proposed');
  });

  it('says the request was refused when the answer gives no reason', () => {
    expect(describeError(new ApiError(415, null, null), t)).toBe('common.refused {"status":415}');
    const onlyFields = problem(400, { errors: [{ field: 'q', description: 'is too long' }] });
    expect(describeError(onlyFields, t)).toBe('q: is too long');
  });

  it('keeps the texts that say what to do for the connection, limits and the server', () => {
    expect(describeError(new ApiError(0, null, null), t)).toBe('common.networkError');
    expect(describeError(new ApiError(429, null, 7), t)).toBe('common.tooMany {"seconds":7}');
    expect(describeError(new ApiError(503, { detail: 'down' }, null), t)).toBe('common.unavailable');
    expect(describeError(new ApiError(500, { request_id: 'r1', detail: 'boom' }, null), t)).toBe('common.serverError {"id":"r1"}');
    expect(describeError(new Error('x'), t)).toBe('common.serverError {"id":"-"}');
  });
});
