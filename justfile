# Developer recipes. The README never depends on just (install: pip install rust-just).

# Run the server on the embedded defaults (SQLite in ./data).
run:
    cargo run --release -- serve

# The test suite on SQLite and in-process adapters.
test:
    cargo test --workspace

# The test suite on PostgreSQL and Redis too, as CI runs it.
test-all:
    TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test TEST_REDIS_URL=redis://127.0.0.1:6379 REQUIRE_SERVICES=1 cargo test --workspace

# Format and lints as CI checks them.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Everything CI does.
ci:
    .ci/run
