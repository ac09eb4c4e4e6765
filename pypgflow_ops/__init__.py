"""pypgflow-ops: lint, plan, apply and draw workflow definitions for a PostgreSQL-native engine."""

__version__ = "0.1.0"
