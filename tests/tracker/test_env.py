import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.samples import REPO
from tracker.env import database_from_url, env_bool, env_int, env_list, env_str


def test_env_str_requires_a_value_without_default(monkeypatch):
    monkeypatch.delenv("TRACKER_X", raising=False)
    with pytest.raises(ImproperlyConfigured, match="TRACKER_X"):
        env_str("TRACKER_X")
    assert env_str("TRACKER_X", "fallback") == "fallback"


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("1", True), ("Yes", True), ("off", False), ("0", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("TRACKER_FLAG", raw)
    assert env_bool("TRACKER_FLAG", not expected) is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("TRACKER_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="TRACKER_FLAG='maybe'"):
        env_bool("TRACKER_FLAG", False)


def test_env_int_checks_type_and_minimum(monkeypatch):
    monkeypatch.setenv("TRACKER_N", "abc")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("TRACKER_N", 1)
    monkeypatch.setenv("TRACKER_N", "0")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env_int("TRACKER_N", 1, minimum=1)
    monkeypatch.setenv("TRACKER_N", "7")
    assert env_int("TRACKER_N", 1, minimum=1) == 7


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("TRACKER_HOSTS", "a.example.cn, b.example.cn,,")
    assert env_list("TRACKER_HOSTS", []) == ["a.example.cn", "b.example.cn"]


def test_sqlite_url_gets_wal_immediate_and_busy_timeout(tmp_path):
    config = database_from_url(f"sqlite:///{tmp_path}/sub/db.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert (tmp_path / "sub").is_dir()


def test_postgres_url_keeps_connections(monkeypatch):
    config = database_from_url("postgres://postgres@127.0.0.1:5432/tracker")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "tracker"
    assert config["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize("url", ["mysql://root@localhost/x", "nonsense"])
def test_other_databases_are_refused(url):
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url)


def test_settings_refuse_to_start_without_a_secret_key_outside_debug(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "DJANGO_DEBUG"}}
    env["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    env["TRACKER_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(REPO),
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr
