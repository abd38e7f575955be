// Build-time stand-in for zod's locale index: ductor only speaks English in validation messages,
// and bundling zod's ~45 locales would cost every worker process memory and start-up time.
export { default as en } from '../node_modules/zod/v4/locales/en.js';
