// Types for the undici modules http.ts loads by path (undici publishes types only for its index).
// Each module's `module.exports` is what its index re-exports or installs. tsc trusts these
// declarations; __tests__/deep-imports.test.ts and scripts/bundle.mjs check that the files exist.
declare module 'undici/lib/dispatcher/agent.js' {
  import { Agent } from 'undici'
  export default Agent
}

declare module 'undici/lib/dispatcher/proxy-agent.js' {
  import { ProxyAgent } from 'undici'
  export default ProxyAgent
}

declare module 'undici/lib/dispatcher/dispatcher.js' {
  import { Dispatcher } from 'undici'
  export default Dispatcher
}

declare module 'undici/lib/api/api-connect.js' {
  import type { Dispatcher } from 'undici'
  /** `connect()` of the request API undici's index installs on `Dispatcher.prototype`. */
  const connect: Dispatcher['connect']
  export default connect
}
