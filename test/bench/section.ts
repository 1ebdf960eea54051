/**
 * One part of `npm run bench` (core, verifier, client, issuer…): a module whose `run()` measures and returns its
 * printed output (a title line and a Markdown table). Sections run one after another in one process, so each must
 * stop every server and child process it starts before returning.
 */
export interface BenchSection {
  /** Short name, usable as `npm run bench -- <name>`. */
  name: string;
  /** Loads the section's module lazily, so a section's dependencies load only when it runs. */
  load: () => Promise<{ run: () => Promise<string> }>;
}
