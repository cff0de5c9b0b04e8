/** Injection token of the sandbox's oidc-provider instance. */
export const SANDBOX_PROVIDER = Symbol('SANDBOX_PROVIDER');
