// Warnings that are artefacts of Jest, not of the code under test, dropped so that a passing run stays
// quiet (issue 19). Each is matched exactly; anything else still prints.
//
// oidc-provider finds undici's global dispatcher on globalThis to add its SSRF check; inside Jest's vm
// context that global is another object, so it warns once per test file. Outside Jest it is found, and
// the sandbox's own fetch (sandbox-provider.ts) does not use that dispatcher anyway.
const KNOWN = ['oidc-provider WARNING: failed to setup SSRF protection for fetch'];
const warn = console.warn.bind(console);
console.warn = (...args) => {
  if (typeof args[0] === 'string' && KNOWN.some((k) => args[0].startsWith(k))) return;
  warn(...args);
};
