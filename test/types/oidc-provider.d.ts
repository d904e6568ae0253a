/** oidc-provider ships no types (a test-only dependency): typed loosely, wrapped by test/helpers/oidc.ts. */
declare module 'oidc-provider' {
  const Provider: any;
  export default Provider;
}
