PASSWORD = "bench-password-2026"  # of the benchmark users; the benchmark database is scratch
