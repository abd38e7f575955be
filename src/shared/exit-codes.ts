/** Process exit codes with a meaning outside the process (service managers read them). */

/** Stopped on request. */
export const EXIT_OK = 0;
/** Generic failure (crash, bad usage). */
export const EXIT_FAILURE = 1;
/** Restart requested: the supervisor (or the service manager) starts the code on disk again. */
export const EXIT_RESTART = 42;
/** Configuration invalid: a service manager must not restart-loop on it. Mirrors sysexits EX_CONFIG. */
export const EXIT_CONFIG = 78;
