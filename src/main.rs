//! The `bilevel-lab` binary: the app and the command line.

fn main() -> std::process::ExitCode {
    bilevel_lab::cli::main()
}
