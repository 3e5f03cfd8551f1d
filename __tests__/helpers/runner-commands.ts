/**
 * The workflow commands the runner would read in what the action wrote, as actions/runner's
 * ActionCommand parses a line: `::name …::` once the line is trimmed of leading white space
 * (.NET's char.IsWhiteSpace: JavaScript's \s and U+0085), or `##[name]` anywhere in the line.
 */
export function runnerCommands(stdout: string): string[] {
  const commands: string[] = []
  for (const line of stdout.split('\n')) {
    const trimmed = line.replace(/^[\s\u0085]+/, '')
    const v2 = /^::([^\s:]*)/.exec(trimmed)
    if (v2) commands.push(v2[1] ?? '')
    // The runner tries the older syntax only when the newer one did not parse.
    else if (line.includes('##[')) commands.push(/##\[([^\]\s]*)/.exec(line)?.[1] ?? '')
  }
  return commands
}
