/** Process exit codes: 0 ok, 1 a run failed, 2 bad usage or bad config. */
export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_USAGE = 2;
