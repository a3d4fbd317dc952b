# Shortcuts; the scripts are the real entry points (see README.md).
.PHONY: run test bench bench-quick

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

bench:
	.venv/bin/python bench/foundation.py --json bench/out/foundation.json

bench-quick:
	.venv/bin/python bench/foundation.py --quick
