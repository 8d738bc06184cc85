import logging

from drafting.export import environment


def test_harfbuzz_subset_is_installed_here():
    # The set-up script installs libharfbuzz-subset0; without it exports are ~3x slower.
    assert environment.harfbuzz_subset_available()


def test_warning_when_harfbuzz_subset_is_missing(monkeypatch, caplog):
    monkeypatch.setattr(environment.ctypes.util, "find_library", lambda name: None)
    with caplog.at_level(logging.WARNING, logger="drafting.export.environment"):
        assert environment.warn_if_slow_setup() is False
    assert "apt-get install libharfbuzz-subset0" in caplog.text
