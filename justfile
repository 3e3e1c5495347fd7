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

# Inbound ingest against its raw-SQL ceiling on PostgreSQL (DATABASE_URL): seeds bench data
# first when the database has no bench tenants, runs benches/ingest-ceiling.sql with pgbench
# and then `tiktickets bench ingest`, both at the same concurrency and message count, and
# prints both rates and their ratio. Needs psql and pgbench (PATH or /usr/lib/postgresql/*/bin).
bench-ingest-ceiling concurrency="8" messages="20000":
    #!/usr/bin/env bash
    set -euo pipefail
    : "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/bench}"
    case "$DATABASE_URL" in
        postgres://*|postgresql://*) ;;
        *) echo "bench-ingest-ceiling: DATABASE_URL must be a PostgreSQL URL" >&2; exit 1 ;;
    esac
    pg_tool() { command -v "$1" 2>/dev/null || ls /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1; }
    PGBENCH=$(pg_tool pgbench); PSQL=$(pg_tool psql)
    if [ -z "$PGBENCH" ] || [ -z "$PSQL" ]; then echo "bench-ingest-ceiling: pgbench and psql are needed" >&2; exit 1; fi
    q() { "$PSQL" "$DATABASE_URL" -Atq -c "$1"; }
    bench_tenants() { q "SELECT COUNT(*) FROM \"Tenants\" WHERE name LIKE 'Bench Tenant %'" 2>/dev/null || echo 0; }
    tenants=$(bench_tenants)
    if [ "$tenants" = "0" ]; then
        echo "== no bench data: seeding" >&2
        cargo run --release -- bench seed --tenants 10 --contacts 20000 --tickets 20000 --messages 100000
        tenants=$(bench_tenants)
    fi
    # Seeded contacts of the smallest bench tenant (ingest adds numbers of area code 21 only).
    contacts=$(q "SELECT MIN(c) FROM (SELECT COUNT(k.id) AS c FROM \"Tenants\" t LEFT JOIN \"Contacts\" k ON k.\"tenantId\" = t.id AND k.number NOT LIKE '5521%' WHERE t.name LIKE 'Bench Tenant %' GROUP BY t.id) per_tenant")
    if [ -z "$contacts" ] || [ "$contacts" -lt 1 ]; then echo "bench-ingest-ceiling: the bench tenants have no contacts" >&2; exit 1; fi
    clients={{concurrency}}
    per_client=$(( {{messages}} / clients )); [ "$per_client" -ge 1 ] || per_client=1
    threads=$(( clients < 2 ? clients : 2 ))
    echo "== pgbench ceiling: $tenants bench tenants, $contacts known contacts each, $clients clients x $per_client transactions" >&2
    pg_out=$("$PGBENCH" -n -M prepared -f benches/ingest-ceiling.sql -c "$clients" -j "$threads" -t "$per_client" -D tenants="$tenants" -D contacts="$contacts" "$DATABASE_URL")
    echo "$pg_out"
    ceiling=$(echo "$pg_out" | awk '/^tps = / { print $3; exit }')
    echo "== tiktickets bench ingest" >&2
    ingest_out=$(cargo run --release -- bench ingest --messages {{messages}} --concurrency {{concurrency}})
    echo "$ingest_out"
    ingest=$(echo "$ingest_out" | awk '/^ingest: / { v = $2 } END { print v }')
    if [ -z "$ceiling" ] || [ -z "$ingest" ]; then echo "bench-ingest-ceiling: could not read both rates" >&2; exit 1; fi
    awk -v c="$ceiling" -v i="$ingest" -v n={{concurrency}} 'BEGIN {
        printf "ceiling (pgbench, raw SQL): %.0f msg/s\n", c
        printf "tiktickets bench ingest:    %.0f msg/s\n", i
        printf "ingest-ceiling: concurrency=%d ingest=%.0f ceiling=%.0f ratio=%.2f\n", n, i, c, (c > 0 ? i / c : 0)
    }'
