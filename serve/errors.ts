/** An HTTP answer other than 200, with a message for the client that names the problem. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string = codeFor(status),
  ) {
    super(message);
  }
}

function codeFor(status: number): string {
  if (status === 400) return 'BAD_REQUEST';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 404) return 'RESOURCE_DOES_NOT_EXIST';
  if (status === 413) return 'REQUEST_LIMIT_EXCEEDED';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 503) return 'TEMPORARILY_UNAVAILABLE';
  return 'INTERNAL_ERROR';
}

export const badRequest = (message: string): HttpError => new HttpError(400, message);
