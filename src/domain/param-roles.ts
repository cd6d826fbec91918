import type { FunctionInfo, FuzzTarget, ParamInfo, ParamRole, TargetParam } from '../common/schemas/index.js';
import { annotationType } from './signature-seeds.js';

/**
 * Who sets each parameter of the function under test. Attacker-controlled values are the taint
 * the sandbox's oracles follow; trusted ones are the caller's configuration (a base directory,
 * a connection, a key), whose use is the caller's decision, not a weakness. The Fuzzing agent
 * says which when it can; these rules decide otherwise, from routes, names and annotations.
 */

/**
 * Names of what a caller, not its user, hands over: [pattern, what it names]. Matched on the
 * whole name or its last word. Only directories and live objects: a key, a limit or a mode may
 * well come from a user, and trusting it would hide an injection through it.
 */
const TRUSTED_NAMES: [RegExp, string][] = [
  [
    /(^|_)(dir|dirs|directory|folder|root|base|basedir|base_path|dest|destination|workdir|cwd|home|upload_folder)$/i,
    'a directory the caller chooses',
  ],
  [/(^|_)(conn|connection|cursor|db|database|engine|session|client|app|logger)$/i, 'an object the caller owns'],
];

/** Annotations of objects no attacker hands over: connections, cursors, loggers, an app. */
const TRUSTED_ANNOTATIONS = /\b(Connection|Cursor|Engine|Session|Logger|Flask)\b/;

function nullable(param: ParamInfo | undefined): boolean {
  if (!param) return false;
  return param.defaultRepr === 'None' || /\bOptional\[|\bNone\b/.test(param.annotation ?? '');
}

function itemType(param: ParamInfo | undefined) {
  const inner = /^\s*(?:List|list|Sequence|Iterable|Tuple|tuple|Set|set)\[\s*([\w.]+)\s*(?:,\s*\.\.\.)?\s*\]\s*$/.exec(
    param?.annotation ?? '',
  )?.[1];
  return inner ? annotationType(inner) : null;
}

function decide(
  fn: FunctionInfo | undefined,
  name: string,
  info: ParamInfo | undefined,
  given: ParamRole | undefined,
): { role: ParamRole; roleReason: string } {
  if (fn?.route)
    return { role: 'attacker', roleReason: `a request part of the route ${fn.route.rule}: every request part is attacker input` };
  if (given) return { role: given, roleReason: 'the Fuzzing agent' };
  if (info?.annotation && TRUSTED_ANNOTATIONS.test(info.annotation))
    return { role: 'trusted', roleReason: `annotated ${info.annotation}: an object the caller owns` };
  const named = TRUSTED_NAMES.find(([pattern]) => pattern.test(name));
  if (named) return { role: 'trusted', roleReason: `the name "${name}" names ${named[1]}` };
  return { role: 'attacker', roleReason: 'data the caller passes on: attacker input unless named as configuration' };
}

/** The target's parameters with their role, why, and the contract their annotation states. */
export function classifyParams(fn: FunctionInfo | undefined, target: FuzzTarget): TargetParam[] {
  // By position: the agent's answer has one entry per positional parameter, whatever it calls it.
  const positional = fn?.params.filter((q) => q.kind === 'positional') ?? [];
  return target.params.map((p, i) => {
    const info = positional[i];
    return { name: p.name, type: p.type, ...decide(fn, p.name, info, p.role), nullable: nullable(info), items: itemType(info) };
  });
}
