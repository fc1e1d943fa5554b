//! Standard output and standard error as a good Unix tool uses them: a
//! reader that stops reading (`bilevel-lab presets | head -1`) ends the
//! program quietly with code 0, a failing write (`> /dev/full`) is one line
//! on standard error with code 2 — never a panic — and every argument error
//! is one line too.

use super::CliError;
use std::io::{self, Write};
use std::process::ExitCode;

fn failed(e: io::Error) -> CliError {
    if e.kind() == io::ErrorKind::BrokenPipe {
        CliError::StdoutClosed
    } else {
        CliError::Message(format!("writing to standard output failed: {e}"))
    }
}

/// Writes `text` as it is.
pub fn text(text: &str) -> Result<(), CliError> {
    io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(failed)
}

/// Writes `text` and a newline.
pub fn line(text: &str) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .map_err(failed)
}

/// Flushes standard output: a full device is reported, not ignored at exit.
pub fn flush() -> Result<(), CliError> {
    io::stdout().lock().flush().map_err(failed)
}

/// `text` on standard error, as it is (a summary moved out of the way of
/// a CSV on standard output).
pub fn error_text(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}

/// `error: message` on standard error (if standard error is gone too,
/// there is nobody left to tell).
pub fn error_line(message: &str) {
    let _ = writeln!(io::stderr().lock(), "error: {message}");
}

/// Reports an argument error in one line (help and version go to standard
/// output in full, as asked).
pub fn argument_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let rendered = e.render().to_string();
            match text(&rendered).and_then(|()| flush()) {
                Ok(()) | Err(CliError::StdoutClosed) => ExitCode::SUCCESS,
                Err(CliError::Message(m) | CliError::Interrupted(m)) => {
                    error_line(&m);
                    ExitCode::from(2)
                }
            }
        }
        _ => {
            error_line(&one_line(&e.render().to_string()));
            ExitCode::from(2)
        }
    }
}

/// clap's message without its usage block, on one line, pointing at --help.
fn one_line(rendered: &str) -> String {
    let head = rendered
        .split("\n\nUsage:")
        .next()
        .unwrap_or(rendered)
        .split("\n\nFor more information")
        .next()
        .unwrap_or(rendered);
    let words: Vec<&str> = head.split_whitespace().collect();
    let text = words.join(" ");
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    format!("{text} (see --help)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_errors_become_one_line() {
        let rendered = "error: the following required arguments were not provided:\n  --alpha-range <A1,A2>\n\nUsage: bilevel-lab sweep --alpha-range <A1,A2> <PRESET>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(rendered),
            "the following required arguments were not provided: --alpha-range <A1,A2> (see --help)"
        );
        let tip = "error: unexpected argument '--foo' found\n\n  tip: to pass '--foo' as a value, use '-- --foo'\n\nUsage: bilevel-lab run <PRESET>\n\nFor more information, try '--help'.\n";
        let one = one_line(tip);
        assert!(
            !one.contains('\n') && one.starts_with("unexpected argument '--foo'"),
            "{one}"
        );
    }
}
