// What `vscode` resolves to when src/core is checked alone (tsconfig.core.json): not a module,
// so any import of vscode in src/core fails to compile.
declare const srcCoreMustNotImportVscode: never;
