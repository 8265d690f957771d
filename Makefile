# The two commands of the README. Both set up whatever is missing first.
.PHONY: demo test setup bench

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/autovolt demo

test: setup
	.venv/bin/python -m pytest -q -p no:cacheprovider

# make bench: issue 6's analytics figures; make bench SUITES="speech nlu" (or all); python -m bench lists them.
SUITES ?= analytics
bench: setup
	.venv/bin/python -m bench $(SUITES)
