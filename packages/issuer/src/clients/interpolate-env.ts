/** A `${NAME}` reference that the environment does not define. */
export class MissingEnvError extends Error {
  /** Dotted path of the field holding the reference. */
  readonly path: string;
  /** The environment variable. */
  readonly variable: string;
  constructor(path: string, variable: string) {
    super(`environment variable ${variable} is not set`);
    this.path = path;
    this.variable = variable;
  }
}

/** `$${…}` (escaped), `${NAME}`, `${NAME:-default}` (Compose/shell) and `${NAME:default}` (Spring, as in the references). */
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-?([^}]*))?\}/g;

/** A YAML/JSON value: what a parsed configuration file holds. */
export type ConfigValue = string | number | boolean | null | ConfigValue[] | { [key: string]: ConfigValue };

function interpolateString(text: string, env: Readonly<Record<string, string | undefined>>, path: string): string {
  if (!text.includes('${')) return text;
  return text.replace(REFERENCE, (_match: string, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${'; // `$${` writes a literal `${`
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    throw new MissingEnvError(path, name);
  });
}

/**
 * Replaces `${NAME}` references in every string of a parsed configuration with the environment's values. Runs after
 * parsing, on string values only, so a variable's value can never change the file's structure. An unset or empty
 * variable without a default throws {@link MissingEnvError} naming the field.
 *
 * @param value - the parsed file
 * @param env - the environment
 * @param path - the path of `value` (for messages)
 * @returns a copy with every reference replaced
 */
export function interpolateEnv(value: ConfigValue, env: Readonly<Record<string, string | undefined>>, path = ''): ConfigValue {
  if (typeof value === 'string') return interpolateString(value, env, path);
  if (Array.isArray(value)) return value.map((item, i) => interpolateEnv(item, env, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: ConfigValue } = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(out, key, {
        value: interpolateEnv(item, env, path === '' ? key : `${path}.${key}`),
        enumerable: true, writable: true, configurable: true,
      });
    }
    return out;
  }
  return value;
}
