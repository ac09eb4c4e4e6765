"""Everything that talks to PostgreSQL: connecting, and installing the runtime."""
