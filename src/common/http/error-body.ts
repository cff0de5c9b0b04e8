/** The one error shape every 4xx/5xx answer of the API has. */
export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown[];
}
