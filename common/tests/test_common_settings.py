import pytest

from bookshare_common.settings import InsecureProductionSetting, load_settings


def test_development_defaults_work_out_of_the_box(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.delenv("BOOKSHARE_STORE_DATABASE_URL", raising=False)
    settings = load_settings("store", data_dir=tmp_path)
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path.resolve() / 'store.db'}"
    assert settings.broker_url == "memory://"
    assert settings.port == 4002


def test_each_service_reads_its_own_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOOKSHARE_AUTH_DATABASE_URL", "postgresql+asyncpg://db/auth")
    assert load_settings("auth").database_url == "postgresql+asyncpg://db/auth"
    assert load_settings("store").database_url.startswith("sqlite")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "BOOKSHARE_GATEWAY_PUBLIC_KEY"),
        ({"BOOKSHARE_GATEWAY_PUBLIC_KEY": "pem"}, "BOOKSHARE_AUTH_DATABASE_URL"),
        ({"BOOKSHARE_GATEWAY_PUBLIC_KEY": "pem", "BOOKSHARE_AUTH_DATABASE_URL": "postgresql+asyncpg://h/a"},
         "BOOKSHARE_BROKER_URL"),
        ({"BOOKSHARE_GATEWAY_PUBLIC_KEY": "pem", "BOOKSHARE_AUTH_DATABASE_URL": "postgresql+asyncpg://h/a",
          "BOOKSHARE_BROKER_URL": "amqp://guest:guest@rabbit/"}, "guest:guest"),
    ],
)
def test_production_refuses_development_settings_naming_the_one_at_fault(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    monkeypatch.setenv("BOOKSHARE_ENV", "production")
    for key in ("BOOKSHARE_GATEWAY_PUBLIC_KEY", "BOOKSHARE_AUTH_DATABASE_URL", "BOOKSHARE_BROKER_URL"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(InsecureProductionSetting, match=named):
        load_settings("auth")


def test_production_starts_with_real_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOOKSHARE_ENV", "production")
    monkeypatch.setenv("BOOKSHARE_GATEWAY_PUBLIC_KEY", "pem")
    monkeypatch.setenv("BOOKSHARE_AUTH_DATABASE_URL", "postgresql+asyncpg://h/a")
    monkeypatch.setenv("BOOKSHARE_BROKER_URL", "amqp://bookshare:s3cret@rabbit/")
    assert load_settings("auth").production
