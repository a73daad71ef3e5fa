//! `ecograph completions`: each script is loaded by its real shell (bash, zsh and fish,
//! installed by scripts/test.sh), and bash and fish are asked for completions.

use crate::support::{run, scratch, stderr, stdout};
use std::process::Command;

/// The completion script for `shell`, written to a file.
fn script(shell: &str, dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join(format!("ecograph.{shell}"));
    let o = run(&["completions", shell, "--out", path.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    path
}

/// Runs `shell` with `args`; a shell that is missing fails the test (the test
/// script installs it).
fn shell(shell: &str, args: &[&str]) -> String {
    let o = Command::new(shell)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{shell}` is needed (scripts/test.sh installs it): {e}"));
    assert!(o.status.success(), "{shell} {args:?}: {}", stderr(&o));
    stdout(&o)
}

/// The completions bash's function offers for the words of `line` (the last
/// word being completed).
fn bash_completes(script: &std::path::Path, line: &[&str]) -> Vec<String> {
    let words = line
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let program = format!(
        "source '{}'; COMP_WORDS=({words}); COMP_CWORD={}; COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; \
         _ecograph ecograph '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        line.len() - 1,
        line.join(" "),
        line[line.len() - 1],
        line[line.len() - 2],
    );
    shell("bash", &["-c", &program])
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_subcommands_flags_and_their_values() {
    let dir = scratch("completions", "bash");
    let path = script("bash", &dir);
    shell("bash", &["-n", path.to_str().expect("utf-8")]);
    assert_eq!(bash_completes(&path, &["ecograph", "ren"]), ["render"]);
    assert!(
        bash_completes(&path, &["ecograph", "render", "--form"]).contains(&"--format".to_owned())
    );
    assert_eq!(
        bash_completes(&path, &["ecograph", "render", "--format", ""]),
        ["svg", "dot", "mermaid"]
    );
    assert_eq!(
        bash_completes(&path, &["ecograph", "impact", "--fail-on", ""]),
        ["certain", "potential"]
    );
}

#[test]
fn fish_completes_subcommands_and_flag_values_with_their_help() {
    let dir = scratch("completions", "fish");
    let path = script("fish", &dir);
    let p = path.to_str().expect("utf-8");
    shell("fish", &["-n", p]);
    let complete = |line: &str| {
        shell(
            "fish",
            &["-c", &format!("source '{p}'; complete -C '{line}'")],
        )
    };
    let commands = complete("ecograph ");
    for sub in ["check", "render", "impact", "schedule", "completions"] {
        assert!(
            commands.lines().any(|l| l.split('\t').next() == Some(sub)),
            "{sub} missing from {commands}"
        );
    }
    assert!(commands.contains("render\tDraw views as SVG, Graphviz DOT or Mermaid"));
    let formats = complete("ecograph render --format ");
    let mut values: Vec<&str> = formats
        .lines()
        .filter_map(|l| l.split('\t').next())
        .collect();
    values.sort_unstable();
    assert_eq!(values, ["dot", "mermaid", "svg"]);
}

#[test]
fn zsh_loads_the_completion_function() {
    let dir = scratch("completions", "zsh");
    let path = script("zsh", &dir);
    let p = path.to_str().expect("utf-8");
    shell("zsh", &["-n", p]);
    let loaded = shell(
        "zsh",
        &[
            "-f",
            "-c",
            &format!(
                "autoload -U compinit; compinit -u -D; source '{p}'; print $+functions[_ecograph]"
            ),
        ],
    );
    assert_eq!(loaded.trim(), "1");
}

#[test]
fn completions_go_to_standard_output_and_an_unknown_shell_is_a_usage_error() {
    let o = run(&["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("complete -F _ecograph"),
        "{}",
        stdout(&o)
    );
    let o = run(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("possible values: bash, elvish, fish, powershell, zsh"),
        "{}",
        stderr(&o)
    );
}
