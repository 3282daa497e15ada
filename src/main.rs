fn main() {
    std::process::exit(beast::cli::main());
}
