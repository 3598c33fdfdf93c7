/**
 * BuildKit's progress as the Engine API streams it: `{"id":"moby.buildkit.trace","aux":"<base64>"}`,
 * where aux is a protobuf `moby.buildkit.v1.StatusResponse` (BuildKit's control.proto). Decoded with
 * protobufjs, which dockerode already depends on, from the fields progress needs; rendered the way
 * `docker build --progress=plain` prints it: `#3 [builder 2/9] COPY mix.exs ./`, `#3 DONE 0.1s`.
 */
import type { Type } from 'protobufjs';

export interface BuildKitTimestamp {
  seconds: number;
  nanos: number;
}

export interface BuildKitVertex {
  digest: string;
  name: string;
  cached: boolean;
  started?: BuildKitTimestamp;
  completed?: BuildKitTimestamp;
  error: string;
}

export interface BuildKitVertexStatus {
  ID: string;
  vertex: string;
  name: string;
  current: number;
  total: number;
  completed?: BuildKitTimestamp;
}

export interface BuildKitLog {
  vertex: string;
  msg: Uint8Array;
}

export interface BuildKitWarning {
  vertex: string;
  short: Uint8Array;
}

export interface BuildKitStatus {
  vertexes: BuildKitVertex[];
  statuses: BuildKitVertexStatus[];
  logs: BuildKitLog[];
  warnings: BuildKitWarning[];
}

const field = (id: number, type: string, rule?: 'repeated') => (rule ? { id, type, rule } : { id, type });

/** The subset of control.proto that carries progress; field numbers as in BuildKit. */
const SCHEMA = {
  nested: {
    StatusResponse: { fields: { vertexes: field(1, 'Vertex', 'repeated'), statuses: field(2, 'VertexStatus', 'repeated'), logs: field(3, 'VertexLog', 'repeated'), warnings: field(4, 'VertexWarning', 'repeated') } },
    Vertex: { fields: { digest: field(1, 'string'), inputs: field(2, 'string', 'repeated'), name: field(3, 'string'), cached: field(4, 'bool'), started: field(5, 'Timestamp'), completed: field(6, 'Timestamp'), error: field(7, 'string') } },
    VertexStatus: { fields: { ID: field(1, 'string'), vertex: field(2, 'string'), name: field(3, 'string'), current: field(4, 'int64'), total: field(5, 'int64'), timestamp: field(6, 'Timestamp'), started: field(7, 'Timestamp'), completed: field(8, 'Timestamp') } },
    VertexLog: { fields: { vertex: field(1, 'string'), timestamp: field(2, 'Timestamp'), stream: field(3, 'int64'), msg: field(4, 'bytes') } },
    VertexWarning: { fields: { vertex: field(1, 'string'), level: field(2, 'int64'), short: field(3, 'bytes'), detail: field(4, 'bytes', 'repeated'), url: field(5, 'string') } },
    Timestamp: { fields: { seconds: field(1, 'int64'), nanos: field(2, 'int32') } },
  },
};

/** Loads protobufjs on first use (it is only needed while BuildKit builds) and returns the decoder. */
export async function loadStatusDecoder(): Promise<(aux: string) => BuildKitStatus> {
  const { Root } = await import('protobufjs/light');
  const type: Type = Root.fromJSON(SCHEMA).lookupType('StatusResponse');
  return (aux) => type.toObject(type.decode(Buffer.from(aux, 'base64')), { longs: Number, arrays: true, defaults: true }) as BuildKitStatus;
}

interface VertexState {
  number: number;
  name: string;
  announced: boolean;
  finished: boolean;
  partial: string;
  tail: string[];
}

/** The vertex that failed, with its last lines of output: what an error message needs. */
export interface FailedVertex {
  name: string;
  error: string;
  tail: string[];
}

/**
 * Turns a stream of StatusResponse messages into plain progress lines. Vertices are numbered in
 * the order they appear; each is announced when it starts and closed with CACHED, DONE or ERROR;
 * log lines carry their vertex's number, since stages can run in parallel.
 */
export class BuildKitProgress {
  private readonly vertices = new Map<string, VertexState>();
  private readonly finishedStatuses = new Set<string>();
  private failed?: FailedVertex;

  /** The text to show for one message. */
  render(status: BuildKitStatus): string {
    let out = '';
    for (const v of status.vertexes) out += this.renderVertex(v);
    for (const s of status.statuses) {
      if (!s.completed || this.finishedStatuses.has(s.ID)) continue;
      this.finishedStatuses.add(s.ID);
      const vertex = this.vertices.get(s.vertex);
      const size = s.total > 0 ? ` ${formatBytes(s.total)}` : s.current > 0 ? ` ${formatBytes(s.current)}` : '';
      out += `#${vertex?.number ?? '?'} ${s.name || s.ID}${size} done\n`;
    }
    for (const log of status.logs) out += this.renderLog(log.vertex, Buffer.from(log.msg).toString('utf8'));
    for (const w of status.warnings) out += `#${this.vertices.get(w.vertex)?.number ?? '?'} WARNING: ${Buffer.from(w.short).toString('utf8')}\n`;
    return out;
  }

  /** The first vertex that reported an error, if any. */
  failure(): FailedVertex | undefined {
    return this.failed;
  }

  private vertex(digest: string, name: string): VertexState {
    let state = this.vertices.get(digest);
    if (!state) {
      state = { number: this.vertices.size + 1, name, announced: false, finished: false, partial: '', tail: [] };
      this.vertices.set(digest, state);
    }
    if (name) state.name = name;
    return state;
  }

  private renderVertex(v: BuildKitVertex): string {
    const state = this.vertex(v.digest, v.name);
    let out = '';
    if ((v.started || v.completed) && !state.announced) {
      state.announced = true;
      out += `#${state.number} ${state.name}\n`;
    }
    if (v.completed && !state.finished) {
      state.finished = true;
      out += this.flush(state);
      if (v.error) {
        out += `#${state.number} ERROR: ${v.error}\n`;
        this.failed ??= { name: state.name, error: v.error, tail: state.tail.slice(-20) };
      } else if (v.cached) {
        out += `#${state.number} CACHED\n`;
      } else {
        out += `#${state.number} DONE ${seconds(v.started, v.completed)}\n`;
      }
    }
    return out;
  }

  private renderLog(digest: string, text: string): string {
    const state = this.vertex(digest, '');
    const lines = (state.partial + text).split('\n');
    state.partial = lines.pop() ?? '';
    return lines.map((line) => this.logLine(state, line)).join('');
  }

  private flush(state: VertexState): string {
    const rest = state.partial;
    state.partial = '';
    return rest ? this.logLine(state, rest) : '';
  }

  private logLine(state: VertexState, raw: string): string {
    // A carriage return redraws the line (progress bars): keep what it finally shows.
    const line = raw.slice(raw.lastIndexOf('\r') + 1);
    state.tail.push(line);
    if (state.tail.length > 200) state.tail.splice(0, state.tail.length - 200);
    return `#${state.number} ${line}\n`;
  }
}

function seconds(started?: BuildKitTimestamp, completed?: BuildKitTimestamp): string {
  if (!started || !completed) return '0.0s';
  const ms = (completed.seconds - started.seconds) * 1000 + (completed.nanos - started.nanos) / 1e6;
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n}B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)}kB`;
  return `${(n / 1024 / 1024).toFixed(2)}MB`;
}
