//! The `waymark` binary: everything lives in the `waymark_cli` library so tests can reach it.

fn main() -> std::process::ExitCode {
    waymark_cli::main()
}
