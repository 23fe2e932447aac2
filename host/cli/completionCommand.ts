// `cnfguard completion bash`: a bash completion script made from the command table and each
// command's own option table, so it names exactly what the parser accepts.
import { COMMANDS } from "../cli.js";
import { type Command, Exit, parse, UsageError } from "./common.js";

const help = `usage: cnfguard completion bash

Prints a bash completion script for cnfguard's commands, their actions and their options.
  this shell:   source <(cnfguard completion bash)
  every shell:  cnfguard completion bash > ~/.local/share/bash-completion/completions/cnfguard
                (or /etc/bash_completion.d/cnfguard for every user)

exit codes: 0 printed · 2 bad arguments`;

/** Words are flag names and command names: nothing a shell would expand, checked anyway. */
function shellWords(words: readonly string[]): string {
  for (const w of words) if (!/^[\w.:|/+-]+$/.test(w)) throw new Error(`completion: '${w}' is not a plain word`);
  return words.join(" ");
}

/** COMMANDS names modules relative to host/cli.js. */
const CLI_MODULE = new URL("../cli.js", import.meta.url);

/** One `case` arm per command: its options and the words its first argument may be. */
async function commandArms(): Promise<string[]> {
  const arms: string[] = [];
  for (const [name, entry] of Object.entries(COMMANDS)) {
    const command = ((await import(new URL(entry.module, CLI_MODULE).href)) as { command: Command }).command;
    const flags = Object.entries(command.options ?? {}).map(([flag]) => `--${flag}`);
    arms.push(`    ${name}) opts="${shellWords([...flags, "--help"])}"; actions="${shellWords(command.actions ?? [])}" ;;`);
  }
  return arms;
}

export async function bashCompletion(): Promise<string> {
  return [
    "# bash completion for cnfguard, made by `cnfguard completion bash`",
    "_cnfguard() {",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's own ${…}, not a template
    '  local cur="${COMP_WORDS[COMP_CWORD]}" opts="" actions=""',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=( $(compgen -W "${shellWords([...Object.keys(COMMANDS), "help", "--help", "--version"])}" -- "$cur") )`,
    "    return",
    "  fi",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's own ${…}, not a template
    '  case "${COMP_WORDS[1]}" in',
    `    help) actions="${shellWords(Object.keys(COMMANDS))}" ;;`,
    ...(await commandArms()),
    "  esac",
    '  if [[ "$cur" == -* ]]; then',
    '    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )',
    '  elif [ "$COMP_CWORD" -eq 2 ] && [ -n "$actions" ]; then',
    '    COMPREPLY=( $(compgen -W "$actions" -- "$cur") )',
    "  else",
    '    COMPREPLY=( $(compgen -f -- "$cur") )',
    "  fi",
    "}",
    "complete -o filenames -F _cnfguard cnfguard",
    "",
  ].join("\n");
}

export const command: Command = {
  summary: "print a bash completion script (source <(cnfguard completion bash))",
  help,
  options: {},
  actions: ["bash"],
  async run(argv) {
    const { positionals } = parse(argv, {});
    if (positionals[0] !== "bash" || positionals.length !== 1)
      throw new UsageError(positionals.length ? `completion for '${positionals[0]}' is not made: say bash` : "name the shell: bash");
    process.stdout.write(await bashCompletion());
    return Exit.OK;
  },
};
