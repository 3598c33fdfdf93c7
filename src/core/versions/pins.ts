import type { TextRange } from './text';

/**
 * What a version manager's file pins for Erlang or Elixir: asdf's `.tool-versions`, or a mise
 * config file. Both mean exactly the version written, when it names a release; a shorter number
 * floats (see `PinnedTool.floats`). Only erlang and elixir matter here.
 */
export type ToolName = 'erlang' | 'elixir';

/** `version` is a number; `ref:`/`path:`/`system` and anything else (`latest`, `main-otp-26`) are not. */
export type PinKind = 'version' | 'ref' | 'path' | 'system' | 'other';

export type VersionManager = 'asdf' | 'mise';

export interface PinnedTool {
  tool: ToolName;
  /** Project-relative path of the file that pins it. */
  file: string;
  manager: VersionManager;
  /** The first version written: the one the manager uses; the others are fallbacks. */
  raw: string;
  kind: PinKind;
  /** Range of `raw`. */
  range: TextRange;
  /** The version number (`1.15.7` of `v1.15.7-otp-26`), present when kind is `version`. */
  version?: string;
  versionRange?: TextRange;
  /**
   * Set when the number names no single release, so the manager does not install one fixed version:
   * Elixir `1.15` (asdf: the tip of the v1.15 branch build; mise: the newest 1.15.x), Erlang `26`
   * (no OTP release is called that), mise `prefix:26.2`. Such a pin is compared with nothing.
   */
  floats?: string;
  /** Elixir only: the OTP major of an `-otp-NN` suffix. */
  otpMajor?: string;
  otpRange?: TextRange;
  fallbacks: string[];
}

export type ToolPins = Partial<Record<ToolName, PinnedTool>>;

/** A pin that means one exact version. */
export type ExactPin = PinnedTool & { version: string; versionRange: TextRange };

/** The pin when it means one exact version; floating and non-numeric pins are compared with nothing. */
export function exactPin(pin: PinnedTool | undefined): ExactPin | undefined {
  return pin?.kind === 'version' && !pin.floats && pin.version !== undefined && pin.versionRange !== undefined ? (pin as ExactPin) : undefined;
}

const ERLANG_VERSION = /^\d+(?:\.\d+)*$/;
const ELIXIR_VERSION = /^(v?)(\d+(?:\.\d+)*(?:-rc\.?\d+)?)(?:-otp-(\d+))?$/;

/** Where a pinned word sits: its text and the range of any [start, end) slice of it. */
export interface PinWord {
  text: string;
  range: (start: number, end: number) => TextRange;
}

/** Reads the version a manager would use from the first word it pins for a tool. */
export function readPin(tool: ToolName, file: string, manager: VersionManager, word: PinWord, fallbacks: string[]): PinnedTool {
  const { text } = word;
  const pin: PinnedTool = { tool, file, manager, raw: text, kind: kindOf(text), range: word.range(0, text.length), fallbacks };
  if (pin.kind !== 'other') return pin;
  // mise's `prefix:` asks for the newest match; the number after it is still worth showing.
  const prefixed = manager === 'mise' && text.startsWith('prefix:') ? 'prefix:'.length : 0;
  const number = text.slice(prefixed);
  if (tool === 'erlang') {
    if (!ERLANG_VERSION.test(number)) return pin;
    const version = { ...pin, kind: 'version' as const, version: number, versionRange: word.range(prefixed, text.length) };
    return { ...version, floats: floatReason(version, prefixed > 0) };
  }
  const elixir = ELIXIR_VERSION.exec(number);
  if (!elixir) return pin;
  const [, v, numberPart, otp] = elixir;
  const start = prefixed + v.length;
  const versioned: PinnedTool = { ...pin, kind: 'version', version: numberPart, versionRange: word.range(start, start + numberPart.length) };
  if (otp !== undefined) {
    Object.assign(versioned, { otpMajor: otp, otpRange: word.range(text.length - otp.length, text.length) });
  }
  return { ...versioned, floats: floatReason(versioned, prefixed > 0) };
}

/** OTP releases have at least two parts (`26.0`); Elixir releases three (`1.15.7`, `1.17.0-rc.1`). */
function floatReason(pin: PinnedTool, prefixed: boolean): string | undefined {
  const version = pin.version!;
  const mise = `mise installs the newest ${version}.x it can find`;
  if (prefixed) return mise;
  if (version.split('-')[0].split('.').length >= (pin.tool === 'erlang' ? 2 : 3)) return undefined;
  if (pin.manager === 'mise') return mise;
  return pin.tool === 'elixir'
    ? `asdf installs the tip of the v${version} branch build, not a release (and ${mise})`
    : `no OTP release is called ${version} (they are named ${version}.0, ${version}.1, …), so asdf cannot install it (and ${mise})`;
}

function kindOf(raw: string): PinKind {
  if (raw.startsWith('ref:')) return 'ref';
  if (raw.startsWith('path:')) return 'path';
  if (raw === 'system') return 'system';
  return 'other';
}

/** A pin that a file of higher precedence overrides for mise. */
export interface ShadowedPin {
  pin: PinnedTool;
  by: PinnedTool;
}

export interface ResolvedPins {
  /** The pin mise (or asdf, when only `.tool-versions` exists) uses for each tool. */
  effective: ToolPins;
  shadowed: ShadowedPin[];
}

/**
 * mise merges its files per tool: each tool comes from the file of highest precedence that pins it.
 * `files` holds each file's pins, highest precedence first.
 */
export function resolvePins(files: ToolPins[]): ResolvedPins {
  const effective: ToolPins = {};
  const shadowed: ShadowedPin[] = [];
  for (const pins of files) {
    for (const tool of ['erlang', 'elixir'] as const) {
      const pin = pins[tool];
      if (!pin) continue;
      const winner = effective[tool];
      if (winner) shadowed.push({ pin, by: winner });
      else effective[tool] = pin;
    }
  }
  return { effective, shadowed };
}
