"""The DuckDB warehouse: schema migrations, the idempotent loader of landing files, queries.

This package is the only writer of the warehouse file. It imports neither `crawlers` nor `enrich`:
it takes plain records (dicts) whose columns are documented in `migrations/` and the README.
"""

from warehouse.db import WarehouseError, connect, connect_read_only, migrate

__all__ = ["WarehouseError", "connect", "connect_read_only", "migrate"]
