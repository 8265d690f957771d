# The two commands of the README. Both set up whatever is missing first.
.PHONY: demo test setup bench

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/autovolt demo

test: setup
	.venv/bin/python -m pytest -q -p no:cacheprovider

bench: setup
	.venv/bin/python -m bench
