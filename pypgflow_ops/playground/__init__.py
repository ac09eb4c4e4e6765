"""A throwaway local playground: a PostgreSQL cluster and PostgREST, started from local binaries."""
