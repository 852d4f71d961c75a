//! `myna-kigen`: the command-line front end. Everything lives in the library.

fn main() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = myna_kigen::cli::run(std::env::args_os(), &mut stdout.lock(), &mut stderr.lock());
    std::process::exit(code);
}
