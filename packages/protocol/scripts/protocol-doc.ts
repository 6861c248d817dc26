/**
 * Renders `docs/protocol.md` from the schemas, topics and examples of
 * `@bsm/protocol`. Pure: same code in, same text out (no clock, no file
 * system), so a unit test can compare it with the file on disk.
 */
import { z } from 'zod';
import { CLIENT_TO_SERVER_EVENTS, SERVER_TO_CLIENT_EVENTS, type SocketEventDoc } from '../src/socket-events.js';
import { DOWN_EXAMPLES, EXAMPLE_TOPIC_NODE, UP_EXAMPLES } from '../src/examples.js';
import {
  ALL_UP,
  COMMAND_ERROR_CODES,
  CommandArgs,
  DOWN_DELIVERY,
  DOWN_MESSAGES,
  MAX_PAYLOAD_BYTES,
  MAX_SMALL_PAYLOAD_BYTES,
  AUDIT_GENESIS_HASH,
  AUDIT_LIMITS,
  SOCKET_PATH,
  TOPIC_ROOT,
  UP_DELIVERY,
  UP_MESSAGES,
  downFilter,
  downTopic,
  upTopic,
  type CommandName,
  type DownKind,
  type UpKind,
} from '../src/index.js';

/** Where the document lives, relative to the repository root. */
export const DOC_PATH = 'docs/protocol.md';

const UP_KINDS = Object.keys(UP_MESSAGES) as UpKind[];
const DOWN_KINDS = Object.keys(DOWN_MESSAGES) as DownKind[];

/** What each kind is for and the rules its schema cannot express. Typed by kind, so a new kind needs its text. */
const UP_TEXT: Record<UpKind, { by: string; text: string }> = {
  status: {
    by: 'every node, about itself',
    text: `The node's own online state. A node publishes it **retained** with \`state: "online"\` right after
connecting, and registers the same topic as its MQTT **last-will** with \`state: "offline"\` (QoS 1, retained), so the
broker announces a lost node by itself. A node that shuts down cleanly publishes \`state: "offline"\` itself before it
disconnects (a clean DISCONNECT discards the will). \`since\` is the node's own clock; a last-will carries the connect
time, so receivers stamp state changes with their own clock.`,
  },
  states: {
    by: 'centers, about the nodes below them',
    text: `Online-state changes of nodes below the publisher: a center tells its parent when one of its branches or
child centers goes online or offline. Each entry is the latest known state of one node; \`publisher\` is the center
that sends the message (the \`<nodeId>\` of the topic).`,
  },
  catalog: {
    by: 'every node, about itself and everything below it',
    text: `What the publisher has: itself, the nodes below it, their devices, cameras and alarm inputs, and the online
state of the nodes listed. The publisher sends \`parentId: null\` for itself; the receiver fills in its own id.

- \`mode: "full"\` replaces everything the receiver knew from this publisher. \`removed\` is not allowed.
- \`mode: "delta"\` lists only what was added or changed, plus \`removed\` ids, and **must** carry \`baseRevision\`: the
  revision it applies on top of. The receiver applies it only if it holds exactly \`baseRevision\` of this publisher;
  otherwise it ignores the delta and sends the \`catalog.resync\` command, and the publisher answers with a full
  catalog.
- \`revision\` grows with every change; after applying a catalog the receiver holds \`revision\`.

These two rules (\`baseRevision\` required for a delta, \`removed\` only in a delta) are checked by the receiver but
cannot be expressed in the JSON Schema below.`,
  },
  alarm: {
    by: 'the origin, then every center that forwards it',
    text: `One alarm. \`id\` (a ULID) and \`seq\` are made where the alarm is raised and never change on the way up.

- **Store before ack, dedupe by id.** The sender keeps each alarm in a durable outbox until an \`ack\` lists its id,
  and sends it again (same \`id\`, same \`seq\`) after a reconnect. The receiver stores the alarm, then acknowledges;
  an alarm whose \`id\` it already has is acknowledged again and not stored twice, so redelivery is harmless.
- **Sequence numbers.** \`seq\` counts the alarms of one origin from 1 without holes. A receiver that sees a number
  skipped flags a gap for that origin: it logs the missing range and counts it in \`/api/health\`
  (\`messages.flagged\`), and still stores the alarm (alarms may arrive out of order after a reconnect; the missing
  ones are stored when they arrive).
- **Bad input.** An alarm that does not match the schema (an unknown \`type\`, a malformed id, a missing field) is
  refused: logged with the reason, counted in \`messages.refused\`, never stored, and the next message is processed
  as usual. An \`occurredAt\` more than 5 minutes ahead of the receiver's clock is accepted and flagged (the source's
  clock is wrong; the receiver also records its own \`receivedAt\`). A duplicate \`id\` is acknowledged and not
  stored again.
- **Path.** \`path\` starts at the origin (\`path[0] === origin\`); each center that forwards the alarm appends its
  own id before publishing, so the last element is always the publisher, the \`<nodeId>\` of the topic. An alarm
  raised at \`fz-wuyi\` and forwarded by \`fz-gulou\` and then \`fz\` reaches the provincial center with
  \`path: ["fz-wuyi", "fz-gulou", "fz"]\` on topic \`${upTopic('fz', 'alarm')}\`. An empty path is refused.
- \`priority\`: 1 is the most urgent; \`linkedCameras\` are the cameras a console opens to verify the alarm.`,
  },
  patrol: {
    by: 'every node, about itself',
    text: `Periodic heartbeat and patrol (巡检) report: uptime, the state of the outbox (alarms not yet acknowledged) and
the health of each device. QoS 0: a lost report is replaced by the next one.`,
  },
  reply: {
    by: 'the node a command was addressed to; relayed up by every center on the way',
    text: `The answer to one command. \`correlationId\` is the \`id\` of the command; \`from\` is the node that answers.
\`ok: true\` may carry a \`result\`; \`ok: false\` carries an \`error\` with a code and a readable message. A center
that receives a reply for a command it forwarded publishes it unchanged on its own \`up/reply\` topic, one hop
further up.`,
  },
  event: {
    by: 'a center, to its parent',
    text: `Handling events of alarms (see [Alarm handling](#alarm-handling-the-same-state-on-every-tier)): an officer's
action, an escalation, a restore. Every event is made once, where it happened, with a ULID \`id\`, and never changes;
a center sends up the events made at it or received from below, in the order it stored them, and \`upTo\` is its own
position after the last one. The parent stores them (deduplicated by \`id\`) and answers with \`down/ack\`
\`eventsUpTo\`; until then the child sends them again after a reconnect.`,
  },
  'event-ack': {
    by: 'a center, to its parent',
    text: `The child stored the parent's \`down/event\` batches up to the parent's position \`upTo\`; the parent does not
send them again.`,
  },
  audit: {
    by: 'a center, to its parent',
    text: `Consecutive entries of one audit chain (see [Audit trail](#audit-trail-hash-chains-copied-upward)), oldest
first: the publisher's own chain (\`source\` is the publisher) or the copy it holds of a center below it. The
publisher sends each chain from the position its parent last acknowledged, one batch in flight per chain, within the
payload limit (an entry's \`detail\` is at most ${AUDIT_LIMITS.detailBytes} bytes of JSON, so every entry fits); an unacknowledged batch
goes again after a timeout or a reconnect. The parent accepts a chain only from the child it is, or from a center
below that child; it stores every entry, deduplicated by (\`source\`, \`seq\`), checks the chain as it arrives (the
hash of each entry, its link to the entry before it, no missing positions, no second version of a stored position),
records and logs any break, and answers with \`down/audit-ack\`.`,
  },
};

const DOWN_TEXT: Record<DownKind, { by: string; text: string }> = {
  command: {
    by: 'a center, to one node directly below it',
    text: `A request travelling down the tree to \`target\`. A center publishes it on the \`down/command\` topic of the
child on the way to \`target\`; that child, if it is not the target, forwards it one hop further, unchanged (same
\`id\`, same \`expiresAt\`). The target acts and publishes a \`reply\` with \`correlationId\` = \`id\`. A command that
arrives after \`expiresAt\` is refused (\`ok: false\`) rather than acted on late; a center that cannot route a
command answers itself with \`ok: false\`. \`args\` must match the command's argument schema (see
[Commands](#commands)).`,
  },
  ack: {
    by: 'a center, to the node that sent it alarms',
    text: `Sent after the receiver has **stored** the alarms listed in \`ids\`; only then may the sender drop them from its
outbox. \`refused\` lists alarms the receiver will never take, with the reason; the sender drops them too and logs
it. \`eventsUpTo\` acknowledges the sender's \`up/event\` batches up to that position.`,
  },
  event: {
    by: 'a center, to a child center on the path of the alarms concerned',
    text: `Handling events of alarms that came up through the child, made at this center or above it (an officer at the
provincial center closed an alarm the city center escalated). \`upTo\` is the parent's position after the last event;
the child stores the events (deduplicated by \`id\`) and answers with \`up/event-ack\`. Branches never receive it.`,
  },
  trust: {
    by: 'a center, to a child center',
    text: `Sent when the child connects and whenever it changes: the Ed25519 public keys (JWK) of the parent and of
every center above it. The child accepts single sign-on tickets (\`POST /api/auth/sso\`) signed by these keys only,
and passes them (with its own) on to its own child centers. \`revoked\` lists sessions ended recently at or above
the parent, for a child that was away when they ended.`,
  },
  revoke: {
    by: 'a center, to a child center',
    text: `Sessions that ended at or above the parent (logout, revocation), by issuing center and session id. The
child ends every session opened with a ticket of one of them, closes those consoles, and passes the list (with its
own ended sessions) on to its child centers.`,
  },
  'audit-ack': {
    by: 'a center, to a child center that sent it audit entries',
    text: `The parent stored the chain of \`source\` up to \`seq\` \`upTo\` (the last entry of the batch it answers).
The child moves its stored cursor for that chain there and never sends those entries again; after a reconnect it
resends from the cursor.`,
  },
};

/** One line per command. Typed by name, so a new command needs its text. */
const COMMAND_TEXT: Record<CommandName, string> = {
  'catalog.resync': 'Ask a node to publish its full catalog again (the receiver lost track of revisions).',
  ping: 'Round-trip check of the command path.',
  'alarm.test': 'Raise a test alarm at a branch, from the center (e.g. a scheduled link test).',
  'stream.start':
    'Start pushing one camera stream: the agent pulls its RTSP and pushes RTMP with `-c copy` to `url` (which carries the per-stream key). Idempotent.',
  'stream.stop': 'Stop pushing one camera stream. Idempotent.',
  'media.play':
    'A parent center asks its child center for a stream to relay: the child admits it on its own links (perhaps as the sub-stream) and replies `{url, profile, kbps, expiresAt}`, a signed play URL of its media server.',
  'ptz.move':
    'Continuous pan/tilt/zoom/focus/iris move at a speed (0–1) until `stop`, or until `timeoutMs` passes without a new command (a safety net for a lost stop).',
  'ptz.preset': 'Go to a preset, or store the current position as one (1–255).',
  'alarm.raise':
    "Raise a panic or duress alarm at the branch for its staff (the console's branch panel); it travels like any alarm from the branch. Replies `{alarmId, seq}`.",
  'panel.status': "The alarm panel's zones, their inputs and whether each is armed: `{zones: PanelZone[]}`.",
  'panel.arm':
    'Arm or disarm one zone; the agent checks the code against its configured hash and keeps the state across restarts. Replies `{zone: PanelZone}`, or `wrong_code`, `unknown_zone`, `no_arm_code`.',
};

const kib = (bytes: number): string => (bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`);
const sizeLimit = (kind: string): number => (kind === 'catalog' ? MAX_PAYLOAD_BYTES : MAX_SMALL_PAYLOAD_BYTES);
/** `65,536 bytes`: thousands separators without depending on the locale. */
const MAX_SIZE_TEXT = (kind: string): string =>
  `${String(sizeLimit(kind)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} bytes`;
const json = (value: unknown): string => ['```json', JSON.stringify(value, null, 2), '```'].join('\n');
const code = (text: string): string => `\`${text}\``;

/**
 * JSON Schema of what a sender may send (`io: "input"`: fields with a default
 * are optional). zod emits properties in declaration order, so the output is
 * stable from run to run.
 */
export const jsonSchema = (schema: z.ZodType): unknown =>
  z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });

function deliveryRow(direction: 'up' | 'down', kind: UpKind | DownKind, by: string): string {
  const delivery = direction === 'up' ? UP_DELIVERY[kind as UpKind] : DOWN_DELIVERY[kind as DownKind];
  const topic = `${TOPIC_ROOT}/<nodeId>/${direction}/${kind}`;
  return `| [${code(kind)}](#${direction}${kind}) | ${code(topic)} | ${delivery.qos} | ${delivery.retain ? 'yes' : 'no'} | ${kib(sizeLimit(kind))} | ${by} |`;
}

function messageSection(direction: 'up' | 'down', kind: UpKind | DownKind): string {
  const isUp = direction === 'up';
  const schema: z.ZodType = isUp ? UP_MESSAGES[kind as UpKind] : DOWN_MESSAGES[kind as DownKind];
  const delivery = isUp ? UP_DELIVERY[kind as UpKind] : DOWN_DELIVERY[kind as DownKind];
  const about = isUp ? UP_TEXT[kind as UpKind] : DOWN_TEXT[kind as DownKind];
  const example: unknown = isUp ? UP_EXAMPLES[kind as UpKind] : DOWN_EXAMPLES[kind as DownKind];
  const node = isUp ? EXAMPLE_TOPIC_NODE.up[kind as UpKind] : EXAMPLE_TOPIC_NODE.down[kind as DownKind];
  const exampleTopic = isUp ? upTopic(node, kind as UpKind) : downTopic(node, kind as DownKind);
  return [
    `### ${direction}/${kind}`,
    '',
    `- Topic: ${code(`${TOPIC_ROOT}/<nodeId>/${direction}/${kind}`)}`,
    `- Published by: ${about.by}`,
    `- QoS ${delivery.qos}, retain ${delivery.retain ? 'yes' : 'no'}, at most ${MAX_SIZE_TEXT(kind)}`,
    '',
    about.text,
    '',
    '#### Schema',
    '',
    json(jsonSchema(schema)),
    '',
    `#### Example (on ${code(exampleTopic)})`,
    '',
    json(example),
  ].join('\n');
}

function commandsSection(): string {
  const names = Object.keys(CommandArgs) as CommandName[];
  const rows = names.map((name) => `| ${code(name)} | ${COMMAND_TEXT[name]} |`);
  const schemas = names.flatMap((name) => [
    `### ${code(name)}`,
    '',
    COMMAND_TEXT[name],
    '',
    json(jsonSchema(CommandArgs[name])),
    '',
  ]);
  const errors = Object.entries(COMMAND_ERROR_CODES).map(([name, text]) => `| ${code(name)} | ${text} |`);
  return [
    '## Commands',
    '',
    `The ${code('name')} of a [${code('down/command')}](#downcommand) and the schema its ${code('args')} must match. A`,
    `node refuses (${code('ok: false')}) a command whose ${code('args')} do not match.`,
    '',
    '| name | what it does |',
    '| --- | --- |',
    ...rows,
    '',
    ...schemas,
    '### Reply error codes',
    '',
    `A refused command's [${code('up/reply')}](#upreply) carries ${code('error.code')}, one of these, and a`,
    `${code('message')} for people. A receiver reads a code it does not know as ${code('failed')}.`,
    '',
    '| code | meaning |',
    '| --- | --- |',
    ...errors,
  ].join('\n');
}

function socketTable(events: Record<string, SocketEventDoc>): string[] {
  return [
    '| event | payload | when |',
    '| --- | --- | --- |',
    ...Object.entries(events).map(([name, doc]) => `| ${code(name)} | ${code(doc.payload)} | ${doc.description} |`),
  ];
}

function socketSection(): string {
  return [
    '## Console events (socket.io)',
    '',
    `A center pushes live updates to its web consoles over socket.io at path ${code(SOCKET_PATH)}, after login. Every`,
    `event is already filtered to the user's jurisdiction. The typed event maps are ${code('ServerToClientEvents')} and`,
    `${code('ClientToServerEvents')} in ${code('packages/protocol/src/socket.ts')}; ${code('NodeState')} and ${code('AlarmView')} are`,
    `zod schemas of ${code('@bsm/protocol')}.`,
    '',
    '### Center → console',
    '',
    ...socketTable(SERVER_TO_CLIENT_EVENTS),
    '',
    '### Console → center',
    '',
    ...socketTable(CLIENT_TO_SERVER_EVENTS),
  ].join('\n');
}

const intro = (): string => `# Wire protocol (v1)

<!-- Generated by \`npm run docs:protocol\` from packages/protocol; do not edit by hand. A unit test fails when it is stale. -->

How branch agents and monitoring centers talk to each other. A center looks to its parent exactly like a big branch,
so this one protocol serves every link of the tree: branch → level-3 center → level-2 center → level-1 center. It is
enough to implement a branch agent (for example on a DVR/NVR) without reading our code.

## Contents

- [Transport and topics](#transport-and-topics)
- [Delivery](#delivery)
- [Payloads](#payloads)
- [Alarms: store before ack, dedupe by id](#alarms-store-before-ack-dedupe-by-id)
- [Commands: down the tree and back](#commands-down-the-tree-and-back)
- [Alarm handling: the same state on every tier](#alarm-handling-the-same-state-on-every-tier)
- [Catalog: full, delta, resync](#catalog-full-delta-resync)
- [Audit trail: hash chains copied upward](#audit-trail-hash-chains-copied-upward)
- [Messages](#messages)
- [Commands](#commands)
- [Console events (socket.io)](#console-events-socketio)

## Transport and topics

- **MQTT 3.1.1 and MQTT 5.0 are both supported.** The protocol uses no MQTT 5 feature: request/response works with an
  application-level correlation id, so the same node talks to aedes (3.1.1), Mosquitto or EMQX (5.0).
- A node connects to the broker of the center directly above it with its own credentials and a **persistent
  session** (MQTT 3.1.1 \`cleanSession: false\`; MQTT 5 \`cleanStart: false\` with a session expiry), so QoS 1 messages
  queued while it was away are delivered when it returns.
- Topics are **versioned and per node**: \`${TOPIC_ROOT}/<nodeId>/up/<kind>\` for what a node sends to its center and
  \`${TOPIC_ROOT}/<nodeId>/down/<kind>\` for what the center sends to that node. An incompatible change gets a new root
  (\`bsm/v2\`), so old and new nodes can share a broker during an upgrade.
- \`<nodeId>\` is 1–48 characters of \`a-z\`, \`0-9\` and \`-\`, starting with a letter or digit: never a \`/\`, \`+\` or
  \`#\`. A topic with another root, another shape, a bad node id or an unknown kind is not ours and is ignored.
- **A node may publish only under its own \`${TOPIC_ROOT}/<nodeId>/up/…\`** and subscribe only to its own
  \`${downFilter('<nodeId>')}\`; the broker's ACL enforces it, so the \`<nodeId>\` of a topic is the authenticated
  publisher. A center subscribes to \`${ALL_UP}\` on its own broker and publishes \`down\` messages to the nodes below it.
- The **last-will** of every connection is an \`up/status\` message with \`state: "offline"\`, QoS 1, retained.

| message | topic | QoS | retain | max size | published by |
| --- | --- | --- | --- | --- | --- |
${[...UP_KINDS.map((k) => deliveryRow('up', k, UP_TEXT[k].by)), ...DOWN_KINDS.map((k) => deliveryRow('down', k, DOWN_TEXT[k].by))].join('\n')}

## Delivery

QoS and retain flag per kind, as in the table above: everything that must arrive (alarms, acks, commands, replies,
catalogs, states) is QoS 1; the patrol heartbeat is QoS 0 because the next one replaces a lost one. Only \`up/status\`
is retained, so a center that (re)subscribes learns at once which nodes are online. QoS 1 means "at least once":
every receiver must tolerate duplicates, which the rules below make harmless.

## Payloads

- UTF-8 JSON, one object per message. Bytes that are not valid UTF-8, or text that is not JSON, are refused.
- **Size limits**, checked before parsing: a \`catalog\` may be up to ${MAX_SIZE_TEXT('catalog')} (${kib(MAX_PAYLOAD_BYTES)});
  every other kind up to ${MAX_SIZE_TEXT('alarm')} (${kib(MAX_SMALL_PAYLOAD_BYTES)}). A bigger payload is refused.
- **Objects are closed** (\`additionalProperties: false\`): a key the schema does not list makes the whole message
  invalid. Do not add fields of your own.
- Timestamps are ISO 8601 with an offset (\`2025-11-20T02:13:07.498+08:00\` or \`…Z\`). Alarm ids and command ids are
  [ULIDs](https://github.com/ulid/spec) made by the sender. Device, camera and alarm-input ids are unique in the whole
  network: \`<nodeId>.<local>\` by convention (\`fz-wuyi.cam03\`).
- A receiver that refuses a message logs why, with the path of the offending field (\`linkedCameras.0: entity id: …\`),
  and drops it.

## Alarms: store before ack, dedupe by id

1. The origin gives each alarm a ULID \`id\` and the next \`seq\` (per origin, from 1), stores it in a durable outbox,
   and publishes it on \`up/alarm\` with \`path: [<its own id>]\`.
2. The receiving center stores it (deduplicating by \`id\`), then publishes an \`ack\` listing the id on the sender's
   \`down/ack\`. The sender drops acknowledged (and refused) alarms from its outbox; all others are sent again after a
   reconnect, unchanged.
3. A center forwarding the alarm to its own parent appends its id to \`path\` and becomes the sender for that hop,
   with its own outbox. \`path[0]\` is the origin and the last element is always the publisher.
4. Receivers track \`seq\` per origin and flag gaps, so a lost alarm is visible even before anyone asks.

## Commands: down the tree and back

A command (\`down/command\`) names its final \`target\`; each center on the way routes it one hop down, to the child
whose subtree holds the target. The target answers with \`up/reply\` carrying \`correlationId\` = the command's \`id\`,
and each center relays the reply one hop up until it reaches the center that issued the command. Every command has an
\`expiresAt\`: a node that receives it later refuses it instead of acting late (a PTZ move or a test alarm an hour late
is worse than none).

## Alarm handling: the same state on every tier

An alarm's handling is a list of events (\`acknowledge\`, \`verify\`, \`dispatch\`, \`false_alarm\`, \`test\`, \`hold\`,
\`resume\`, \`close\`, \`note\`, \`step\`, \`reset\`, \`restore\`, \`escalate\`, \`received\`) and its state is what the
events add up to, applied in (\`at\`, \`id\`) order by the rules in \`packages/protocol/src/alarm-workflow.ts\`: an
event that is not allowed in the state reached so far is skipped, so when two tiers act at once the first action wins
everywhere. Events travel up with \`up/event\` and down to every center on the alarm's \`path\` with \`down/event\`,
each acknowledged by position, so every center on the path ends with the same events and the same state.

- **Restore** signals from a branch travel as alarms with \`signal: "restore"\` (same outbox, \`seq\` and ack); the
  first center turns one into a \`restore\` event on the open alarms of the same input (or zone) and type. A restore
  never closes an alarm; panic and duress stay latched until an officer \`reset\`s them.
- **Escalation**: the first center to receive an alarm must acknowledge it within its deadline (by type and
  priority, 60 s by default); otherwise it sends an \`escalate\` event naming its parent (\`reason: "deadline"\`), and
  the parent alerts its officers. Panic, duress and vault-door alarms are escalated at once (\`reason: "immediate"\`)
  while still handled locally. A parent that receives an escalation long after its \`dueAt\` (it or its link was
  down) shows it as late.

## Catalog: full, delta, resync

A node publishes a full catalog on its first connection and whenever it is asked with \`catalog.resync\`, and deltas
for every change after that. Each catalog carries the publisher's \`revision\`; a delta also carries the
\`baseRevision\` it builds on. A receiver that holds another revision than a delta's \`baseRevision\` does not guess:
it sends \`catalog.resync\` and waits for a full catalog.

## Audit trail: hash chains copied upward

Every center keeps its audit trail (authentications, permission changes, data operations, reads included) as one
**hash chain**: entry \`seq\` (from 1, without holes) carries \`prevHash\`, the \`hash\` of entry \`seq − 1\`
(\`${AUDIT_GENESIS_HASH.slice(0, 8)}…\`, 64 zeros, for the first), and its own \`hash\`: SHA-256 of the UTF-8 text of
the JSON array \`["bsm-audit-v1", source, seq, at, actor, action, target, outcome, ip, detail, prevHash]\`, written
without spaces and with the keys of \`detail\` sorted at every level; \`at\` is ISO 8601 in UTC with milliseconds
(\`2025-11-20T01:58:40.612Z\`), absent texts are \`null\`. Changing, removing or moving an entry breaks the chain from
there on. Each child center copies its chain, and the copies it holds of the centers below it, to its parent with
\`up/audit\`, acknowledged per chain with \`down/audit-ack\`; so the provincial center holds every chain of the
province, checked on arrival.
`;

/** The whole of `docs/protocol.md`. */
export function render(): string {
  const sections = [
    intro(),
    '## Messages',
    '',
    `Each message's JSON Schema (draft 2020-12, of what a sender may send: fields with a default may be left out) and an`,
    'example. The examples follow one story: branch `fz-wuyi` (五一路支行, Fuzhou) below the county-level center',
    '`fz-gulou`.',
    '',
    ...UP_KINDS.map((kind) => messageSection('up', kind) + '\n'),
    ...DOWN_KINDS.map((kind) => messageSection('down', kind) + '\n'),
    commandsSection(),
    socketSection(),
  ];
  return (
    sections
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}
