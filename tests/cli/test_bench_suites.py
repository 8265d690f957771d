"""`python -m bench`: every documented benchmark command it runs still exists, and bad suite names are refused."""

import importlib.util

import pytest

from bench.__main__ import ROOT, SUITES, main


def test_every_suite_step_names_a_script_or_module_that_exists():
    for name, steps in SUITES.items():
        for cwd, argv in steps:
            if argv[0] == "-m":
                assert importlib.util.find_spec(argv[1]) is not None, (name, argv)
            else:
                assert (ROOT / cwd / argv[0]).is_file(), (name, argv)


def test_listing_and_unknown_suites(capsys):
    assert main([]) == 0
    listing = capsys.readouterr().out
    assert "analytics" in listing and "cd bench && python analytics_forecast.py --runs 5 --weather forecast" in listing
    with pytest.raises(SystemExit) as exc:
        main(["analytic"])
    assert exc.value.code == 2 and "unknown suite analytic" in capsys.readouterr().err
