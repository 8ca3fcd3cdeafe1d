# Shared fixtures for every package's tests: real PostgreSQL/RabbitMQ helpers, gateway credentials.
pytest_plugins = ["bookshare_common.testing"]
