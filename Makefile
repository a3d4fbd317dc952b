# Shortcuts; the scripts are the real entry points (see README.md).
.PHONY: run test bench bench-quick textsets

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

bench:
	.venv/bin/python bench/foundation.py --json bench/out/foundation.json

bench-quick:
	.venv/bin/python bench/foundation.py --quick

textsets:
	.venv/bin/python bench/textsets/make_datasets.py --split dev --out bench/out/textsets/dev
	.venv/bin/python bench/textsets/make_datasets.py --split untouched --out bench/out/textsets/untouched
