/** `logs`' public surface for the CLI and the extension. */
export { readLogs, logSource, logCommands, DEFAULT_LOG_LINES, type LogsRequest, type LogsHostResult } from './read';
export { formatLogLine, logLineJson } from './format';
export { checkSince, type LogLine } from '../host/journal';
