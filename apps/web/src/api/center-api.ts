import {
  AlarmListResponse,
  LoginResponse,
  MapResponse,
  NodeDetailResponse,
  type AlarmListQuery,
  type LoginRequest,
} from '@bsm/protocol';
import { requestJson, type FetchLike } from './http-client';

/** GET /api/me answers like a login: `{ user }`. */
const MeResponse = LoginResponse;

export type AlarmListFilter = Partial<Pick<AlarmListQuery, 'limit' | 'before' | 'nodeId' | 'type'>>;

/** Query string of GET /api/alarms, leaving out what is not set. */
export function alarmListSearch(filter: AlarmListFilter): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value !== undefined) {
      params.set(key, String(value));
    }
  }
  const search = params.toString();
  return search.length > 0 ? `?${search}` : '';
}

/** The REST API of the center that serves this console. */
export function createCenterApi(fetchFn: FetchLike = (input, init) => fetch(input, init)) {
  return {
    login: (body: LoginRequest, signal?: AbortSignal) =>
      requestJson(fetchFn, '/api/auth/login', { method: 'POST', body, schema: LoginResponse, signal }),
    logout: () => requestJson<void>(fetchFn, '/api/auth/logout', { method: 'POST' }),
    me: (signal?: AbortSignal) => requestJson(fetchFn, '/api/me', { schema: MeResponse, signal }),
    map: (signal?: AbortSignal) => requestJson(fetchFn, '/api/map', { schema: MapResponse, signal }),
    node: (id: string, signal?: AbortSignal) =>
      requestJson(fetchFn, `/api/nodes/${encodeURIComponent(id)}`, { schema: NodeDetailResponse, signal }),
    alarms: (filter: AlarmListFilter, signal?: AbortSignal) =>
      requestJson(fetchFn, `/api/alarms${alarmListSearch(filter)}`, { schema: AlarmListResponse, signal }),
  };
}

export type CenterApi = ReturnType<typeof createCenterApi>;

export const centerApi: CenterApi = createCenterApi();
