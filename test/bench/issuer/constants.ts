/** The client secret every bench server's clients share. */
export const BENCH_SECRET = 'bench-client-secret-0123456789';
