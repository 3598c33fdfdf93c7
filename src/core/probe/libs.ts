/** What a system's C library and OpenSSL libraries are, read the same way from a host and from an image. */
export interface LibcInfo {
  kind: 'glibc' | 'musl';
  version: string;
}

/** `ldd --version` output: glibc's first line, or musl's banner. */
export function parseLibc(text: string): LibcInfo | undefined {
  if (/musl/i.test(text)) {
    const version = /Version\s+(\d[\w.]*)/.exec(text)?.[1];
    return version ? { kind: 'musl', version } : undefined;
  }
  const first = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const version = /(?:GLIBC|GNU libc|glibc)[^\n]*?(\d+\.\d+(?:\.\d+)?)\s*$/i.exec(first)?.[1];
  return version ? { kind: 'glibc', version } : undefined;
}

/** Sonames of `library` (e.g. `libcrypto`) among paths, one per line: `libcrypto.so.3`. */
export function parseSonames(text: string, library: string): string[] {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const name = line.trim().split('/').pop() ?? '';
    if (new RegExp(`^${library}\\.so\\.\\d+(\\.\\d+)*$`).test(name)) names.add(name);
  }
  return [...names].sort();
}
