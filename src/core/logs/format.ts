/** A log line as the terminal shows it: the host first, so lines from every host can be told apart. */
import type { LogLine } from '../host/journal';

/** `2026-12-01 12:00:00.123` (UTC), from the host's own clock. */
export function logTime(micros: number): string {
  return new Date(Math.floor(micros / 1000)).toISOString().replace('T', ' ').replace('Z', '');
}

/** The slot of a blue/green unit (`my_app@green.service` → `green`), else nothing. */
function slotOf(unit: string | undefined): string | undefined {
  return unit ? /@([A-Za-z0-9_-]+)\.service$/.exec(unit)?.[1] : undefined;
}

export function formatLogLine(line: LogLine, hostWidth = 0): string {
  const tags = [
    line.micros !== undefined ? logTime(line.micros) : undefined,
    slotOf(line.unit),
    line.fromSystemd ? '[systemd]' : undefined,
  ].filter(Boolean).join(' ');
  const prefix = `${line.host.padEnd(hostWidth)} | ${tags ? `${tags} ` : ''}`;
  const message = line.message.replace(/\r?\n$/, '');
  return `${message.split(/\r?\n/).map((l) => `${prefix}${l}`).join('\n')}\n`;
}

/** For `logs --json`: one object per line; times as ISO strings. */
export function logLineJson(line: LogLine): string {
  return JSON.stringify({
    host: line.host,
    ...(line.micros !== undefined ? { time: new Date(Math.floor(line.micros / 1000)).toISOString(), micros: line.micros } : {}),
    ...(line.unit ? { unit: line.unit } : {}),
    ...(line.fromSystemd ? { systemd: true } : {}),
    message: line.message,
  });
}
