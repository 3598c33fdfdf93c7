import assert from 'node:assert/strict';
import { mapContainerPaths, parseCompileDiagnostics } from '../../../src/core/releaseBuild/pathMapping';

describe('build: container path mapping', () => {
  it('maps /app/... paths to the project, relative or absolute', () => {
    const text = '** (CompileError) /app/lib/foo.ex:12: undefined function bar/0\n    /app/lib/foo.ex:3: Foo.x/0';
    assert.equal(mapContainerPaths(text, { containerDir: '/app', projectDir: '' }),
      '** (CompileError) lib/foo.ex:12: undefined function bar/0\n    lib/foo.ex:3: Foo.x/0');
    assert.equal(mapContainerPaths(text, { containerDir: '/app/', projectDir: '/home/dev/shop/' }).split('\n')[0],
      '** (CompileError) /home/dev/shop/lib/foo.ex:12: undefined function bar/0');
  });

  it('leaves look-alike paths alone', () => {
    const text = 'see /application/x.ex:1 and /var/app/lib/y.ex:2 and (elixir 1.14.0) lib/kernel/parallel_compiler.ex:346';
    assert.equal(mapContainerPaths(text, { containerDir: '/app', projectDir: '/p' }), text);
  });

  it('parses errors and warnings into project locations', () => {
    const output = [
      'Compiling 1 file (.ex)',
      'warning: variable "x" is unused (if the variable is not meant to be used, prefix it with an underscore)',
      '  /app/apps/shop/lib/shop/cart.ex:7: Shop.Cart.total/1',
      '',
      '== Compilation error in file lib/hello_phoenix/greeting.ex ==',
      '** (SyntaxError) /app/apps/shop/lib/hello_phoenix/greeting.ex:3:22: syntax error before: end',
      '    (elixir 1.14.0) lib/kernel/parallel_compiler.ex:346: anonymous fn/5 in Kernel.ParallelCompiler.spawn_workers/7',
    ].join('\n');
    const found = parseCompileDiagnostics(output, { containerDir: '/app/apps/shop', projectDir: '' });
    assert.deepEqual(found, [
      { file: 'lib/shop/cart.ex', line: 7, column: undefined, severity: 'warning', message: 'variable "x" is unused (if the variable is not meant to be used, prefix it with an underscore)' },
      { file: 'lib/hello_phoenix/greeting.ex', line: 3, column: 22, severity: 'error', message: '(SyntaxError) syntax error before: end' },
    ]);
  });
});
