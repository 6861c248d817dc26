import {
  AlarmDetailResponse,
  AuditListResponse,
  AuditSourcesResponse,
  AlarmListResponse,
  AlarmView,
  BranchPanelResponse,
  LoginResponse,
  MapResponse,
  MeResponse,
  SsoTicketResponse,
  OrgResponse,
  UserListResponse,
  UserSummary,
  type CreateUserRequest,
  type UpdateUserRequest,
  NodeDetailResponse,
  PanelZone,
  PanicResponse,
  PlayResponse,
  type AlarmActionRequest,
  type AlarmListQuery,
  type EnrollRequest,
  type AuditExportFormat,
  type AuditQuery,
  type LoginRequest,
  type TotpLoginRequest,
  type PtzRequest,
  type StreamProfileName,
  type StreamPurpose,
} from '@bsm/protocol';
import { requestJson, type FetchLike } from './http-client';

export type AlarmListFilter = Partial<
  Pick<AlarmListQuery, 'limit' | 'before' | 'nodeId' | 'type' | 'state' | 'responsible'>
>;

/** Query string of GET /api/alarms, leaving out what is not set. */
export function alarmListSearch(filter: AlarmListFilter): string {
  return querySearch(filter);
}

/** A query string (`?a=1&b=x`) of the values that are set; empty when none is. */
export function querySearch(filter: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value !== undefined) {
      params.set(key, String(value));
    }
  }
  const search = params.toString();
  return search.length > 0 ? `?${search}` : '';
}

/** Filters and paging of GET /api/audit as the console sends them (the center fills in the defaults). */
export type AuditSearch = Partial<
  Pick<AuditQuery, 'source' | 'from' | 'to' | 'actor' | 'action' | 'target' | 'outcome' | 'limit' | 'cursor'>
>;

/** Where the browser downloads an export of the audit trail (same origin: the session cookie goes along). */
export function auditExportUrl(search: Omit<AuditSearch, 'limit' | 'cursor'>, format: AuditExportFormat): string {
  return `/api/audit/export${querySearch({ ...search, format })}`;
}

/** Body of POST /api/cameras/:id/play as the console sends it (the center fills in the defaults). */
export interface PlayRequestBody {
  profile?: StreamProfileName;
  purpose?: StreamPurpose;
}

const cameraPath = (id: string, action: 'play' | 'ptz'): string => `/api/cameras/${encodeURIComponent(id)}/${action}`;
const alarmPath = (id: string): string => `/api/alarms/${encodeURIComponent(id)}`;
const branchPath = (id: string): string => `/api/branches/${encodeURIComponent(id)}`;
const userPath = (username: string): string => `/api/users/${encodeURIComponent(username)}`;

/** The REST API of the center that serves this console. */
export function createCenterApi(fetchFn: FetchLike = (input, init) => fetch(input, init)) {
  return {
    /** The password: answers the second step (`totp` or `enroll`). */
    login: (body: LoginRequest, signal?: AbortSignal) =>
      requestJson(fetchFn, '/api/auth/login', { method: 'POST', body, schema: LoginResponse, signal }),
    /** The authenticator's code or a recovery code: `done`, the session cookie set. */
    loginTotp: (body: TotpLoginRequest) =>
      requestJson(fetchFn, '/api/auth/login/totp', { method: 'POST', body, schema: LoginResponse }),
    /** The first code of a newly set-up authenticator: `done` with the recovery codes. */
    loginEnroll: (body: EnrollRequest) =>
      requestJson(fetchFn, '/api/auth/login/enroll', { method: 'POST', body, schema: LoginResponse }),
    logout: () => requestJson<void>(fetchFn, '/api/auth/logout', { method: 'POST' }),
    me: (signal?: AbortSignal) => requestJson(fetchFn, '/api/me', { schema: MeResponse, signal }),
    map: (signal?: AbortSignal) => requestJson(fetchFn, '/api/map', { schema: MapResponse, signal }),
    node: (id: string, signal?: AbortSignal) =>
      requestJson(fetchFn, `/api/nodes/${encodeURIComponent(id)}`, { schema: NodeDetailResponse, signal }),
    alarms: (filter: AlarmListFilter, signal?: AbortSignal) =>
      requestJson(fetchFn, `/api/alarms${alarmListSearch(filter)}`, { schema: AlarmListResponse, signal }),
    /** One alarm with its handling history, oldest event first. */
    alarm: (id: string, signal?: AbortSignal) =>
      requestJson(fetchFn, alarmPath(id), { schema: AlarmDetailResponse, signal }),
    /** An officer's action; answers the updated alarm, or 409 `not_allowed` (why, in the message), 403 for a role that may not handle alarms. */
    alarmAction: (id: string, body: AlarmActionRequest, signal?: AbortSignal) =>
      requestJson(fetchFn, `${alarmPath(id)}/actions`, { method: 'POST', body, schema: AlarmView, signal }),
    /** The branch panel: the branch, its alarms of the last day with their handling, its zones (null while unreachable). */
    branchPanel: (branchId: string, signal?: AbortSignal) =>
      requestJson(fetchFn, `${branchPath(branchId)}/panel`, { schema: BranchPanelResponse, signal }),
    /** Panic or duress from the panel (staff only), raised at the branch; 503 `branch_offline` when it cannot be. */
    panic: (branchId: string, type: 'panic' | 'duress') =>
      requestJson(fetchFn, `${branchPath(branchId)}/panic`, {
        method: 'POST',
        body: { type, confirm: true },
        schema: PanicResponse,
      }),
    /** Arms or disarms a zone with the branch's code, checked at the branch; 403 `wrong_code`. */
    armZone: (branchId: string, zone: string, armed: boolean, code: string) =>
      requestJson(fetchFn, `${branchPath(branchId)}/zones/${encodeURIComponent(zone)}/arm`, {
        method: 'POST',
        body: { armed, code },
        schema: PanelZone,
      }),
    /** A one-use ticket for the console of a center below (single sign-on). */
    ssoTicket: (center: string) =>
      requestJson(fetchFn, '/api/auth/sso-ticket', { method: 'POST', body: { center }, schema: SsoTicketResponse }),
    /** Signs in here with a ticket from a center above. */
    loginSso: (ticket: string) =>
      requestJson(fetchFn, '/api/auth/sso', { method: 'POST', body: { ticket }, schema: LoginResponse }),
    /** The organisation tree by name (security administrators, to choose jurisdictions). */
    org: (signal?: AbortSignal) => requestJson(fetchFn, '/api/org', { schema: OrgResponse, signal }),
    users: (signal?: AbortSignal) => requestJson(fetchFn, '/api/users', { schema: UserListResponse, signal }),
    createUser: (body: CreateUserRequest) =>
      requestJson(fetchFn, '/api/users', { method: 'POST', body, schema: UserSummary }),
    updateUser: (username: string, body: UpdateUserRequest) =>
      requestJson(fetchFn, userPath(username), { method: 'PATCH', body, schema: UserSummary }),
    setPassword: (username: string, password: string) =>
      requestJson<void>(fetchFn, `${userPath(username)}/password`, { method: 'POST', body: { password } }),
    resetTotp: (username: string) =>
      requestJson<void>(fetchFn, `${userPath(username)}/reset-totp`, { method: 'POST', body: {} }),
    unlock: (username: string) =>
      requestJson<void>(fetchFn, `${userPath(username)}/unlock`, { method: 'POST', body: {} }),
    /** One page of an audit chain, newest first (auditors); 403 `forbidden` without the audit permission. */
    audit: (search: AuditSearch, signal?: AbortSignal) =>
      requestJson(fetchFn, `/api/audit${querySearch(search)}`, { schema: AuditListResponse, signal }),
    /** The chains held at this center that the auditor may read, and breaks found in copies from below. */
    auditSources: (signal?: AbortSignal) =>
      requestJson(fetchFn, '/api/audit/sources', { schema: AuditSourcesResponse, signal }),
    /** A signed, expiring HTTP-FLV URL for one camera; refused with `link_full`, `camera_offline`, … */
    play: (cameraId: string, body: PlayRequestBody, signal?: AbortSignal) =>
      requestJson(fetchFn, cameraPath(cameraId, 'play'), { method: 'POST', body, schema: PlayResponse, signal }),
    /** One PTZ move or preset; an empty 204, or 409 `ptz_locked` while another officer holds the control. */
    ptz: (cameraId: string, body: PtzRequest, signal?: AbortSignal) =>
      requestJson<void>(fetchFn, cameraPath(cameraId, 'ptz'), { method: 'POST', body, signal }),
  };
}

export type CenterApi = ReturnType<typeof createCenterApi>;

export const centerApi: CenterApi = createCenterApi();
