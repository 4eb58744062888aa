fn main() {
    std::process::exit(gwctl::cli::run());
}
