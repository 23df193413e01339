// Environment variables that change how programs start rather than what they compute: a stored
// `PATH` or `NODE_OPTIONS=--require …` lets any member run code on every teammate's machine through
// `kagi run`, a task or a terminal. The one list; every front end asks `isDangerousName`.

/** Exact names (compared upper-cased: Windows names are case-insensitive). */
const EXACT = new Set([
  'PATH',
  'PATHEXT',
  'COMSPEC',
  'HOME',
  'SHELL',
  'ENV',
  'BASH_ENV',
  'ZDOTDIR',
  'SHELLOPTS',
  'BASHOPTS',
  'PROMPT_COMMAND',
  'PS4',
  'IFS',
  'CDPATH',
  'NODE_OPTIONS',
  'NODE_PATH',
  'NODE_EXTRA_CA_CERTS',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'PYTHONPATH',
  'PYTHONSTARTUP',
  'PYTHONHOME',
  'PYTHONINSPECT',
  'PYTHONUSERBASE',
  'PERL5OPT',
  'PERL5LIB',
  'PERLLIB',
  'RUBYOPT',
  'RUBYLIB',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'JDK_JAVA_OPTIONS',
  'CLASSPATH',
  'DOTNET_STARTUP_HOOKS',
  'COR_PROFILER',
  'CORECLR_PROFILER',
  'PHPRC',
  'PHP_INI_SCAN_DIR',
  'GCONV_PATH',
  'EDITOR',
  'VISUAL',
  'PAGER',
  'LESSOPEN',
  'LESSCLOSE',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_EXEC_PATH',
  'GIT_ASKPASS',
  'GIT_PAGER',
  'GIT_EDITOR',
  'SSH_ASKPASS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'CURL_CA_BUNDLE',
  'REQUESTS_CA_BUNDLE',
]);

/** Whole families: the dynamic loaders, Git's config injection, npm's config, exported bash functions. */
const PREFIXES = ['LD_', 'DYLD_', 'GIT_CONFIG', 'NPM_CONFIG_', 'BASH_FUNC_', 'PYTHONWARN', 'COR_', 'CORECLR_'];

export function isDangerousName(name: string): boolean {
  const upper = name.toUpperCase();
  return EXACT.has(upper) || PREFIXES.some((p) => upper.startsWith(p));
}

export function dangerousNames(names: Iterable<string>): string[] {
  return [...names].filter(isDangerousName).sort();
}

/** One sentence for a warning naming the keys (CLI stderr, editor notification). */
export function dangerousWarning(names: string[], scope: string): string {
  const list = names.join(', ');
  return `${list} in ${scope} ${names.length === 1 ? 'changes' : 'change'} how programs start: every member who runs a program with this scope (kagi run, a task, a terminal) gets ${names.length === 1 ? 'it' : 'them'}`;
}
