import assert from 'node:assert/strict';
import { checkProject, type ProjectFiles } from '../../../src/core/versions/check';
import { DEPLOY_YML, DOCKERFILE, MIX_EXS, TOOL_VERSIONS } from './fixtures';

/** Deterministic pseudo-random numbers, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

/** Cuts, splices and sprinkles junk into a valid file. */
function mangle(text: string, next: () => number): string {
  const junk = ['\u0000', '\r', '\n', '\\', '"', "'", '${', '}', '[', ']', 'do', 'end', '#', '~s(', '"""', ':', '\uFFFD', 'FROM', 'ARG', '\t'];
  let out = text.slice(0, Math.floor(next() * (text.length + 1)));
  for (let i = 0; i < 20; i++) {
    const at = Math.floor(next() * (out.length + 1));
    out = out.slice(0, at) + junk[Math.floor(next() * junk.length)] + out.slice(at);
  }
  return out + text.slice(Math.floor(next() * text.length));
}

describe('checkProject on mangled files', () => {
  it('never throws, and every finding has a valid 1-based range and a known code', () => {
    const codes = new Set(['erlang-mismatch', 'elixir-mismatch', 'elixir-otp-mismatch', 'elixir-requirement', 'os-mismatch', 'erts-not-included', 'version-unknown', 'config-invalid']);
    const next = random(42);
    for (let i = 0; i < 300; i++) {
      const files: ProjectFiles = {
        toolVersions: mangle(TOOL_VERSIONS, next),
        dockerfile: mangle(DOCKERFILE, next),
        mixExs: mangle(MIX_EXS, next),
        distilleryConfig: next() < 0.3 ? mangle('environment :prod do\n  set include_erts: false\nend\n', next) : undefined,
        deployYml: next() < 0.5 ? DEPLOY_YML : mangle(DEPLOY_YML, next),
      };
      const findings = checkProject(files);
      for (const f of findings) {
        assert.ok(codes.has(f.code), f.code);
        assert.ok(f.line >= 1 && f.column >= 1 && (f.endLine > f.line || (f.endLine === f.line && f.endColumn >= f.column)), JSON.stringify(f));
        for (const fix of f.fix ?? []) assert.ok(fix.line >= 1 && fix.column >= 1 && fix.title.length > 0);
      }
    }
  });
});
