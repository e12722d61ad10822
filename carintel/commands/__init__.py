"""The `carintel` commands, one module per group (see `carintel.cli`)."""
