import { ApiError, type LinkUsage } from '@bsm/protocol';

export type ApiErrorField = NonNullable<ApiError['error']['fields']>[number];

/**
 * A request to the center that did not give the expected answer. `status` is
 * 0 when the center could not be reached at all, and `code` is then
 * 'network_error'; a response body that breaks the contract gives
 * 'invalid_response'.
 */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly ApiErrorField[] = [],
    /** With `link_full`: who is using the link that refused the stream. */
    readonly link?: LinkUsage,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }

  get isNetworkError(): boolean {
    return this.status === 0;
  }
}

/** Builds the error for a non-2xx response from its body (the API's `{error:{code,message}}`, or anything else). */
export function errorFromResponseBody(status: number, statusText: string, body: unknown): ApiRequestError {
  const parsed = ApiError.safeParse(body);
  if (parsed.success) {
    const { code, message, fields, link } = parsed.data.error;
    return new ApiRequestError(status, code, message, fields ?? [], link);
  }
  return new ApiRequestError(status, `http_${status}`, statusText || `HTTP ${status}`);
}
