//! `myna-kigen`: the command-line front end. Everything lives in the library.

fn main() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    // Unlocked handles: each write takes the lock briefly. Holding stderr's lock for the whole
    // run would block forever any other thread that logs (the card monitor under `watch`).
    let code = myna_kigen::cli::run(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    std::process::exit(code);
}
