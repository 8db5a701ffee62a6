"""Speed and load benchmarks (`make bench`, `make bench-load`): outside the package, run from the
repository root, free to use tests/support/ and tests/data/. The product never imports them."""
