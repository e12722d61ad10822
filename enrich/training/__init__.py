"""Training and evaluating the bundled models (`python -m enrich.training ...`)."""
